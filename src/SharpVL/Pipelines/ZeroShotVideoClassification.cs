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
/// once per label set (<see cref="PrepareLabels"/>); per video only the vision tower, the MIT and the video-specific
/// prompt generator run, which gives the same logits as <c>XCLIPModel(input_ids, pixel_values)</c>.
/// </summary>
public sealed class ZeroShotVideoClassifier : IDisposable
{
    /// <summary>The default hypothesis template.</summary>
    public const string DefaultTemplate = "a video of {}";

    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model and processor; with <paramref name="ownsModel"/>, disposing the classifier disposes the model.</summary>
    public ZeroShotVideoClassifier(XCLIPModel model, XCLIPProcessor processor, VideoReader? reader = null, bool ownsModel = true)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Reader = reader ?? VideoReader.Default;
        _ownsModel = ownsModel;
    }

    /// <summary>The X-CLIP model.</summary>
    public XCLIPModel Model { get; }

    /// <summary>The processor that tokenizes prompts and prepares frames.</summary>
    public XCLIPProcessor Processor { get; }

    /// <summary>The video decoder.</summary>
    public VideoReader Reader { get; }

    /// <summary>Frames per video the model takes (<c>vision_config.num_frames</c>).</summary>
    public int NumFrames => Model.Config.VisionConfig.NumFrames;

    /// <summary>Loads the model and processor from a directory or Hub id (e.g. <c>microsoft/xclip-base-patch32</c>).</summary>
    public static ZeroShotVideoClassifier FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var processor = XCLIPProcessor.FromPretrained(directory);
        return new ZeroShotVideoClassifier(XCLIPModel.FromPretrained(directory, options), processor, reader);
    }

    /// <summary>Builds the prompts for <paramref name="labels"/> and computes their text features once.</summary>
    /// <exception cref="ArgumentException">No labels, an empty or duplicate label, or a template without <c>{}</c>.</exception>
    public ZeroShotLabelSet PrepareLabels(IReadOnlyList<string> labels, string template = DefaultTemplate)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("At least one candidate label is needed.", nameof(labels));
        }
        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (labels.Any(string.IsNullOrWhiteSpace) || duplicate is not null)
        {
            throw new ArgumentException(
                duplicate is null ? "Candidate labels must not be empty." : $"Candidate label '{duplicate.Key}' is given twice.", nameof(labels));
        }
        var prompts = labels.Select(label => ZeroShotLabelSet.ApplyTemplate(template, label)).ToArray();
        // Padding does not change the pooled features: the causal mask keeps each end token blind to what follows it.
        var encoding = Processor.Tokenizer.Encode(prompts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        var features = Model.GetTextFeatures(ids.to(Model.Device), mask.to(Model.Device));
        return new ZeroShotLabelSet([.. labels], prompts, features.MoveToOuterDisposeScope());
    }

    /// <summary>Classifies a video file, decoding only the frames it needs (default: centres of equal segments).</summary>
    public ZeroShotVideoResult Classify(string videoPath, ZeroShotLabelSet labels, FrameSelection? frames = null)
        => ClassifyFiles([videoPath], labels, frames)[0];

    /// <summary>Classifies frames already in memory (exactly <see cref="NumFrames"/> of them).</summary>
    public ZeroShotVideoResult Classify(IReadOnlyList<RgbImage> frames, ZeroShotLabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return Classify([frames], labels, [Enumerable.Range(0, frames.Count).ToList()], [null])[0];
    }

    /// <summary>
    /// Classifies many files in batches of <paramref name="batchSize"/>; the next batch is decoded while the model runs
    /// the current one. <paramref name="progress"/> receives the number of videos finished.
    /// </summary>
    /// <exception cref="FileNotFoundException">A video file does not exist.</exception>
    public IReadOnlyList<ZeroShotVideoResult> ClassifyFiles(
        IReadOnlyList<string> videoPaths, ZeroShotLabelSet labels, FrameSelection? frames = null, int batchSize = 4, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(videoPaths);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        RequireFiles(videoPaths);
        var results = new List<ZeroShotVideoResult>(videoPaths.Count);
        foreach (var batch in VideoClips.DecodeAhead(Reader, videoPaths, frames, NumFrames, batchSize))
        {
            var classified = Classify([.. batch.Select(c => c.Frames)], labels, [.. batch.Select(c => c.FrameIndices)], [.. batch.Select(c => (string?)c.Path)]);
            results.AddRange(classified.Select((r, i) => r with { Damage = batch[i].Damage }));
            progress?.Report(results.Count);
        }
        return results;
    }

    /// <summary>Classifies in-memory videos (each exactly <see cref="NumFrames"/> frames), <paramref name="batchSize"/> per model call.</summary>
    public IReadOnlyList<ZeroShotVideoResult> ClassifyVideos(IReadOnlyList<IReadOnlyList<RgbImage>> videos, ZeroShotLabelSet labels, int batchSize = 4)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var results = new List<ZeroShotVideoResult>(videos.Count);
        foreach (var batch in videos.Chunk(batchSize))
        {
            results.AddRange(Classify([.. batch], labels, [.. batch.Select(v => (IReadOnlyList<int>)Enumerable.Range(0, v.Count).ToList())], [.. new string?[batch.Length]]));
        }
        return results;
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
    /// normalised), <paramref name="batchSize"/> videos per model call; also returns the frames each video used and the
    /// damage met decoding it.
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

    private List<ZeroShotVideoResult> Classify(
        List<IReadOnlyList<RgbImage>> videos, ZeroShotLabelSet labels, List<IReadOnlyList<int>> indices, List<string?> sources)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var i = 0; i < videos.Count; i++)
        {
            if (videos[i].Count != NumFrames)
            {
                throw new ArgumentException($"Video {sources[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)} has {videos[i].Count} frames; the model takes exactly {NumFrames}.");
            }
        }
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var pixels = Processor.ImageProcessor.Preprocess(videos).ToTensor().to(Model.Device);
        using var encoded = Model.EncodeVideos(pixels);
        var logits = Model.ScoreVideos(encoded, labels.TextFeatures).to(ScalarType.Float32).cpu();
        var results = new List<ZeroShotVideoResult>(videos.Count);
        for (var v = 0; v < videos.Count; v++)
        {
            var row = logits[v];
            var ranked = LabelScores.TopK(row, k => labels.Labels[k], labels.Labels.Count);
            results.Add(new ZeroShotVideoResult(sources[v], indices[v], ranked, row.data<float>().ToArray()));
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }
}
