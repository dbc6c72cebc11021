using SharpVL.Models.XCLIP;
using SharpVL.Modeling;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Zero-shot video classification with X-CLIP: each candidate label becomes a prompt (<c>"a video of {}"</c> by
/// default), and each video gets a softmax over its X-CLIP logits against the prompts. Text features are computed
/// once per label set; per video only the vision tower, the MIT and the video-specific prompt generator run, which
/// gives the same logits as <c>XCLIPModel(input_ids, pixel_values)</c>.
/// </summary>
public sealed class ZeroShotVideoClassifier : IDisposable
{
    /// <summary>The default hypothesis template.</summary>
    public const string DefaultTemplate = "a video of {}";

    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model and processor; with <paramref name="ownsModel"/> disposing the classifier disposes the model.</summary>
    public ZeroShotVideoClassifier(XCLIPModel model, XCLIPProcessor processor, bool ownsModel = true)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _ownsModel = ownsModel;
    }

    /// <summary>The X-CLIP model.</summary>
    public XCLIPModel Model { get; }

    /// <summary>The processor that tokenizes prompts and prepares frames.</summary>
    public XCLIPProcessor Processor { get; }

    /// <summary>How videos are decoded (default: ffmpeg on the PATH).</summary>
    public VideoReader VideoReader { get; init; } = VideoReader.Default;

    /// <summary>Frames per video the model expects (<c>vision_config.num_frames</c>).</summary>
    public int NumFrames => Model.Config.VisionConfig.NumFrames;

    /// <summary>Loads the model and processor from one local model directory.</summary>
    public static ZeroShotVideoClassifier FromPretrained(string directory, ModelLoadOptions? options = null)
    {
        var processor = XCLIPProcessor.FromPretrained(directory);
        return new ZeroShotVideoClassifier(XCLIPModel.FromPretrained(directory, options), processor);
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
        var (ids, mask) = encoding.ToTensors();
        using (ids)
        using (mask)
        {
            return new ZeroShotLabelSet([.. labels], prompts, Model.GetTextFeatures(ids, mask));
        }
    }

    /// <summary>Classifies in-memory videos (each exactly <see cref="NumFrames"/> frames), <paramref name="batchSize"/> videos per model call.</summary>
    public IReadOnlyList<ZeroShotVideoResult> Classify(
        IReadOnlyList<IReadOnlyList<RgbImage>> videos, ZeroShotLabelSet labels, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(videos);
        return ClassifyBatches(videos.Select(v => (Source: (string?)null, Indices: (IReadOnlyList<int>?)null, Load: (Func<IReadOnlyList<RgbImage>>)(() => v))), labels, batchSize);
    }

    /// <summary>
    /// Classifies video files: frames are decoded at <paramref name="frameIndices"/> when given, otherwise at the centres
    /// of <see cref="NumFrames"/> equal segments. Videos are decoded one batch at a time.
    /// </summary>
    /// <exception cref="FileNotFoundException">A video file does not exist.</exception>
    public IReadOnlyList<ZeroShotVideoResult> ClassifyFiles(
        IReadOnlyList<string> paths, ZeroShotLabelSet labels, IReadOnlyList<int>? frameIndices = null, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Video file not found: {path}", path);
            }
        }
        return ClassifyBatches(paths.Select(path =>
        {
            var indices = frameIndices is null
                ? FrameSampling.Uniform(VideoReader.Probe(path).FrameCount, NumFrames)
                : [.. frameIndices];
            return (Source: (string?)path, Indices: (IReadOnlyList<int>?)indices, Load: (Func<IReadOnlyList<RgbImage>>)(() => VideoReader.ReadFrames(path, indices)));
        }), labels, batchSize);
    }

    private List<ZeroShotVideoResult> ClassifyBatches(
        IEnumerable<(string? Source, IReadOnlyList<int>? Indices, Func<IReadOnlyList<RgbImage>> Load)> videos, ZeroShotLabelSet labels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var results = new List<ZeroShotVideoResult>();
        foreach (var batch in videos.Chunk(batchSize))
        {
            var frames = batch.Select(v => v.Load()).ToArray();
            for (var i = 0; i < frames.Length; i++)
            {
                if (frames[i].Count != NumFrames)
                {
                    throw new ArgumentException(
                        $"Video {batch[i].Source ?? (results.Count + i).ToString(System.Globalization.CultureInfo.InvariantCulture)} has {frames[i].Count} frames; the model takes exactly {NumFrames}.");
                }
            }
            using var scope = NewDisposeScope();
            using var pixels = Processor.ImageProcessor.Preprocess(frames).ToTensor();
            using var encoded = Model.EncodeVideos(pixels);
            var logits = Model.ScoreVideos(encoded, labels.TextFeatures);
            var probabilities = logits.softmax(-1);
            var logitValues = logits.to(ScalarType.Float64).cpu().data<double>().ToArray();
            var probabilityValues = probabilities.to(ScalarType.Float64).cpu().data<double>().ToArray();
            var count = labels.Labels.Count;
            for (var v = 0; v < batch.Length; v++)
            {
                var scores = Enumerable.Range(0, count)
                    .Select(k => new LabelScore(labels.Labels[k], probabilityValues[(v * count) + k], logitValues[(v * count) + k]))
                    .ToArray();
                results.Add(new ZeroShotVideoResult(batch[v].Source, batch[v].Indices, scores));
            }
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
