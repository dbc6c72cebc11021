using SharpVL.Modeling;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Zero-shot video classification with X-CLIP: each candidate label becomes a prompt (<c>"a video of {}"</c> by
/// default) and each video gets a softmax over its X-CLIP logits against the prompts. Text features are computed
/// once per label set (the last one is kept for the next call); per video only the vision tower, the MIT and the
/// video-specific prompt generator run, which gives the same logits as <c>XCLIPModel(input_ids, pixel_values)</c>.
/// </summary>
public sealed class ZeroShotVideoClassificationPipeline : ClassificationPipeline<XCLIPModel>
{
    /// <summary>The default hypothesis template.</summary>
    public const string DefaultTemplate = "a video of {}";

    private ZeroShotLabelSet? _lastLabels;

    /// <summary>Wraps a loaded model and processor; see <see cref="IPipeline"/> for the ownership rule.</summary>
    public ZeroShotVideoClassificationPipeline(XCLIPModel model, XCLIPProcessor processor, VideoReader? reader = null, bool ownsModel = false)
        : base(model, ownsModel, batchSize: 4)
    {
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Reader = reader ?? VideoReader.Default;
    }

    /// <inheritdoc />
    public override string Task => PipelineTasks.ZeroShotVideoClassification;

    private protected override bool ZeroShot => true;

    private protected override bool TakesVideo => true;

    /// <summary>The processor that tokenizes prompts and prepares frames.</summary>
    public XCLIPProcessor Processor { get; }

    /// <summary>The video decoder.</summary>
    public VideoReader Reader { get; }

    /// <summary>Frames per video the model takes (<c>vision_config.num_frames</c>).</summary>
    public int NumFrames => Model.Config.VisionConfig.NumFrames;

    /// <summary>Loads the model and processor from a directory or Hub id (e.g. <c>microsoft/xclip-base-patch32</c>).</summary>
    public static ZeroShotVideoClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var processor = XCLIPProcessor.FromPretrained(directory);
        return Build(() => XCLIPModel.FromPretrained(directory, options), model => new ZeroShotVideoClassificationPipeline(model, processor, reader, ownsModel: true));
    }

    /// <summary>
    /// Builds the prompts for <paramref name="labels"/> and computes their text features once; the caller disposes the
    /// set. The classify methods do this themselves (and keep the last set), so this is for inspecting prompts and features.
    /// </summary>
    /// <exception cref="ArgumentException">No labels, an empty or duplicate label, or a template without <c>{}</c>.</exception>
    public ZeroShotLabelSet PrepareLabels(IReadOnlyList<string> labels, string template = DefaultTemplate)
    {
        ZeroShotLabelSet.CheckLabels(labels);
        var prompts = labels.Select(label => ZeroShotLabelSet.ApplyTemplate(template, label)).ToArray();
        // Padding does not change the pooled features: the causal mask keeps each end token blind to what follows it.
        var encoding = Processor.Tokenizer.Encode(prompts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        var features = Model.GetTextFeatures(ids.to(Model.Device), mask.to(Model.Device));
        return new ZeroShotLabelSet([.. labels], template, prompts, features.MoveToOuterDisposeScope());
    }

    /// <summary>Classifies frames already in memory (exactly <see cref="NumFrames"/> of them).</summary>
    public ClassificationResult Classify(IReadOnlyList<RgbImage> frames, ClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return ClassifyVideos([frames], options)[0];
    }

    /// <summary>Classifies in-memory videos (each exactly <see cref="NumFrames"/> frames), <see cref="ClassificationPipeline{TModel}.BatchSize"/> per model call.</summary>
    public IReadOnlyList<ClassificationResult> ClassifyVideos(IReadOnlyList<IReadOnlyList<RgbImage>> videos, ClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var checkedOptions = Check(options);
        var labels = LabelsFor(checkedOptions);
        return [.. videos.Chunk(BatchSize).SelectMany(batch =>
        {
            var sources = new string?[batch.Length];
            return Run(Preprocess(batch, sources), labels, checkedOptions.TopK, [.. batch.Select(v => (IReadOnlyList<int>)[.. Enumerable.Range(0, v.Count)])], sources);
        })];
    }

    private protected override IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyBatches(IReadOnlyList<string> paths, ClassificationOptions options)
    {
        RequireFiles(paths);
        // Once per call: every batch scores against the same text features.
        var labels = LabelsFor(options);
        return ClassifyVideoFiles(Reader, paths, options, NumFrames, clips => Preprocess([.. clips.Select(c => c.Frames)], [.. clips.Select(c => c.Path)]),
            (pixels, clips) => Run(pixels, labels, options.TopK, [.. clips.Select(c => c.FrameIndices)], [.. clips.Select(c => c.Path)]));
    }

    private ZeroShotLabelSet LabelsFor(ClassificationOptions options)
    {
        var template = options.HypothesisTemplate ?? DefaultTemplate;
        if (_lastLabels is null || !_lastLabels.Matches(options.CandidateLabels!, template))
        {
            _lastLabels?.Dispose();
            _lastLabels = null;
            _lastLabels = PrepareLabels(options.CandidateLabels!, template);
        }
        return _lastLabels;
    }

    /// <summary>
    /// Text features of <paramref name="texts"/> as X-CLIP's <c>get_text_features</c> returns them [texts, projection_dim]
    /// (projected, not normalised, before any video-specific prompt); the caller disposes the tensor.
    /// </summary>
    public Tensor EmbedTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("No texts to embed.", nameof(texts));
        }
        var encoding = Processor.Tokenizer.Encode(texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        return Model.GetTextFeatures(ids.to(Model.Device), mask.to(Model.Device)).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Video features of files as X-CLIP's <c>get_video_features</c> returns them [videos, projection_dim] (not
    /// normalised), <paramref name="batchSize"/> videos per model call; also returns the frames each video used.
    /// The damage met decoding each file comes back too.
    /// </summary>
    /// <exception cref="FileNotFoundException">A video file does not exist.</exception>
    public VideoEmbeddings EmbedVideoFiles(
        IReadOnlyList<string> videoPaths, FrameSelection? frames = null, int batchSize = 4)
    {
        ArgumentNullException.ThrowIfNull(videoPaths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (videoPaths.Count == 0)
        {
            throw new ArgumentException("No videos to embed.", nameof(videoPaths));
        }
        RequireFiles(videoPaths);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        var indices = new List<IReadOnlyList<int>>(videoPaths.Count);
        var damage = new List<DecodeReport>(videoPaths.Count);
        foreach (var batch in videoPaths.Chunk(batchSize))
        {
            var decoded = batch.Select(p => VideoClips.Decode(Reader, p, frames, NumFrames)).ToList();
            indices.AddRange(decoded.Select(d => d.FrameIndices));
            damage.AddRange(decoded.Select(d => d.Damage));
            var pixels = Processor.ImageProcessor.Preprocess(decoded.Select(d => d.Frames).ToList()).ToTensor().to(Model.Device);
            parts.Add(Model.GetVideoFeatures(pixels).cpu());
        }
        return new VideoEmbeddings(cat(parts, 0).MoveToOuterDisposeScope(), indices, damage);
    }

    private static void RequireFiles(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Video file not found: {path}", path);
            }
        }
    }

    /// <summary>Checks each video has the model's frame count, then runs the image processor (no tensors: it may run on a worker thread).</summary>
    private PixelValues Preprocess(IReadOnlyList<RgbImage>[] videos, string?[] sources)
    {
        for (var i = 0; i < videos.Length; i++)
        {
            if (videos[i].Count != NumFrames)
            {
                throw new ArgumentException($"Video {sources[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)} has {videos[i].Count} frames; the model takes exactly {NumFrames}.");
            }
        }
        return Processor.ImageProcessor.Preprocess(videos);
    }

    private List<ClassificationResult> Run(
        PixelValues pixelValues, ZeroShotLabelSet labels, int? topK, IReadOnlyList<IReadOnlyList<int>> indices, string?[] sources)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var pixels = pixelValues.ToTensor().to(Model.Device);
        using var encoded = Model.EncodeVideos(pixels);
        var logits = Model.ScoreVideos(encoded, labels.TextFeatures);
        return [.. indices.Select((frames, v) => ClassificationResult.FromLogits(sources[v], frames, logits[v], k => labels.Labels[k], topK))];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lastLabels?.Dispose();
            _lastLabels = null;
        }
        base.Dispose(disposing);
    }
}
