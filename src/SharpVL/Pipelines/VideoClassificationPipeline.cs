using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Video file → frames → <see cref="VideoMAEImageProcessor"/> → <see cref="VideoMAEForVideoClassification"/> →
/// labels from <c>id2label</c> (Transformers' <c>video-classification</c> pipeline).
/// </summary>
public sealed class VideoClassificationPipeline : ClassificationPipeline<VideoMAEForVideoClassification>
{
    /// <summary>Wraps a loaded model and processor; see <see cref="IPipeline"/> for the ownership rule.</summary>
    public VideoClassificationPipeline(
        VideoMAEForVideoClassification model, VideoMAEImageProcessor processor, VideoReader? reader = null, bool ownsModel = false)
        : base(model, ownsModel, batchSize: 4)
    {
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Reader = reader ?? VideoReader.Default;
    }

    /// <inheritdoc />
    public override string Task => PipelineTasks.VideoClassification;

    private protected override bool ZeroShot => false;

    private protected override bool TakesVideo => true;

    /// <summary>The frame preprocessor.</summary>
    public VideoMAEImageProcessor Processor { get; }

    /// <summary>The decoder used for files.</summary>
    public VideoReader Reader { get; }

    /// <summary>Frames per clip the model takes (<c>num_frames</c>).</summary>
    public int NumFrames => Model.Config.NumFrames;

    /// <summary>
    /// Loads model and processor from a directory or Hub id. A directory without <c>preprocessor_config.json</c> is an
    /// error (<see cref="ProcessorFileNotFoundException"/>); to use defaults, pass a processor built from explicit
    /// options to the constructor.
    /// </summary>
    public static VideoClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        return Build(
            () => VideoMAEForVideoClassification.FromPretrained(directory, options),
            model => new VideoClassificationPipeline(model, VideoMAEImageProcessor.FromPretrained(directory), reader, ownsModel: true));
    }

    /// <summary>Classifies frames already in memory (exactly <see cref="NumFrames"/> of them).</summary>
    public ClassificationResult Classify(IReadOnlyList<RgbImage> frames, ClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return ClassifyVideos([frames], options)[0];
    }

    /// <summary>Classifies in-memory videos (each exactly <see cref="NumFrames"/> frames), <see cref="ClassificationPipeline{TModel}.BatchSize"/> per model call.</summary>
    public IReadOnlyList<ClassificationResult> ClassifyVideos(IReadOnlyList<IReadOnlyList<RgbImage>> videos, ClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var topK = Check(options).TopK;
        return [.. videos.Chunk(BatchSize).SelectMany(batch => Run(
            Processor.Preprocess(batch), topK, [.. batch.Select(v => (IReadOnlyList<int>)[.. Enumerable.Range(0, v.Count)])], new string?[batch.Length]))];
    }

    private protected override IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyBatches(IReadOnlyList<string> paths, ClassificationOptions options)
        => ClassifyVideoFiles(Reader, paths, options, NumFrames, clips => Processor.Preprocess([.. clips.Select(c => c.Frames)]),
            (pixels, clips) => Run(pixels, options.TopK, [.. clips.Select(c => c.FrameIndices)], [.. clips.Select(c => c.Path)]));

    private List<ClassificationResult> Run(PixelValues pixelValues, int? topK, IReadOnlyList<IReadOnlyList<int>> indices, string?[] sources)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var pixels = pixelValues.ToTensor().to(Model.Device);
        using var output = Model.Forward(pixels);
        return [.. indices.Select((frames, i) => ClassificationResult.FromLogits(sources[i], frames, output.Logits[i], Model.Config.LabelOf, topK))];
    }
}
