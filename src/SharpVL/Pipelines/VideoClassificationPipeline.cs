using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>The labels predicted for one video.</summary>
/// <param name="Source">The video file, if the frames came from one.</param>
/// <param name="FrameIndices">Which frames were used.</param>
/// <param name="Labels">Top labels with probabilities, most probable first.</param>
public sealed record VideoClassificationResult(string? Source, IReadOnlyList<int> FrameIndices, IReadOnlyList<LabelScore> Labels)
{
    /// <summary>Damage met while decoding the file (clean for in-memory frames); frames are chosen again among those that
    /// decode when the stream is shorter than announced.</summary>
    public DecodeReport Damage { get; init; } = DecodeReport.Clean;
}

/// <summary>
/// Video file → frames → <see cref="VideoMAEImageProcessor"/> → <see cref="VideoMAEForVideoClassification"/> →
/// labels from <c>id2label</c> (Transformers' <c>video-classification</c> pipeline).
/// </summary>
public sealed class VideoClassificationPipeline : IDisposable
{
    private VideoClassificationPipeline(VideoMAEForVideoClassification model, VideoMAEImageProcessor processor, VideoReader reader)
    {
        Model = model;
        Processor = processor;
        Reader = reader;
    }

    /// <summary>The classifier.</summary>
    public VideoMAEForVideoClassification Model { get; }

    /// <summary>The frame preprocessor.</summary>
    public VideoMAEImageProcessor Processor { get; }

    /// <summary>The decoder used for files.</summary>
    public VideoReader Reader { get; }

    /// <summary>Frames per clip the model takes (<c>num_frames</c>).</summary>
    public int NumFrames => Model.Config.NumFrames;

    /// <summary>
    /// Loads model and processor from a directory or Hub id. A directory without <c>preprocessor_config.json</c> gets
    /// VideoMAEImageProcessor defaults sized to the model's <c>image_size</c>.
    /// </summary>
    public static VideoClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var model = VideoMAEForVideoClassification.FromPretrained(directory, options);
        try
        {
            return new VideoClassificationPipeline(model, LoadProcessor(directory, model.Config), reader ?? VideoReader.Default);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static VideoMAEImageProcessor LoadProcessor(string directory, VideoMAEConfig config)
    {
        if (File.Exists(Path.Combine(directory, "preprocessor_config.json")))
        {
            return VideoMAEImageProcessor.FromPretrained(directory);
        }
        return new VideoMAEImageProcessor(ImageProcessingOptions.VideoMAEDefaults with
        {
            Size = ImageSizeSpec.Shortest(config.ImageSize),
            CropSize = ImageSizeSpec.Exact(config.ImageSize, config.ImageSize),
        });
    }

    /// <summary>Classifies a video file, decoding only the frames it needs.</summary>
    public VideoClassificationResult Classify(string videoPath, int topK = 5, FrameSelection? frames = null)
    {
        var clip = VideoClips.Decode(Reader, videoPath, frames, NumFrames);
        return Classify(Processor.Preprocess([clip.Frames]), topK, [clip.FrameIndices], [videoPath])[0] with { Damage = clip.Damage };
    }

    /// <summary>Classifies frames already in memory (exactly <see cref="NumFrames"/> of them).</summary>
    public VideoClassificationResult Classify(IReadOnlyList<RgbImage> frames, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return Classify(Processor.Preprocess([frames]), topK, [Enumerable.Range(0, frames.Count).ToList()], [null])[0];
    }

    /// <summary>
    /// Classifies many files in batches; the next batch is decoded and preprocessed while the model runs the current one.
    /// <paramref name="progress"/> receives the number of videos finished.
    /// </summary>
    public IReadOnlyList<VideoClassificationResult> ClassifyFiles(
        IReadOnlyList<string> videoPaths, int topK = 5, FrameSelection? frames = null, int batchSize = 4, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(videoPaths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var results = new List<VideoClassificationResult>(videoPaths.Count);
        var batches = VideoClips.PrepareAhead(
            Reader, videoPaths, frames, NumFrames, batchSize, clips => Processor.Preprocess(clips.Select(c => c.Frames).ToList()));
        foreach (var (clips, pixels) in batches)
        {
            var classified = Classify(pixels, topK, [.. clips.Select(c => c.FrameIndices)], [.. clips.Select(c => (string?)c.Path)]);
            results.AddRange(classified.Select((r, i) => r with { Damage = clips[i].Damage }));
            progress?.Report(results.Count);
        }
        return results;
    }

    private List<VideoClassificationResult> Classify(
        PixelValues pixelValues, int topK, List<IReadOnlyList<int>> indices, List<string?> sources)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var pixels = pixelValues.ToTensor().to(Model.Device);
        using var output = Model.Forward(pixels);
        var results = new List<VideoClassificationResult>(indices.Count);
        for (var i = 0; i < indices.Count; i++)
        {
            results.Add(new VideoClassificationResult(sources[i], indices[i], LabelScores.TopK(output.Logits[i], Model.Config.LabelOf, topK)));
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
