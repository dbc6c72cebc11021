using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// Port of Transformers 4.27.1's <c>VideoMAEImageProcessor</c> (also X-CLIP's video processor): every frame is
/// resized (shortest edge, Pillow-exact, bilinear by default), centre-cropped, rescaled and normalized, giving
/// <c>pixel_values</c> [batch, frames, 3, H, W] float32.
/// </summary>
public sealed class VideoMAEImageProcessor : IArrayImageProcessor, IProcessor
{
    /// <summary>Creates a processor with the given options (default: the class's constructor defaults).</summary>
    public VideoMAEImageProcessor(ImageProcessingOptions? options = null)
    {
        Options = options ?? ImageProcessingOptions.VideoMAEDefaults;
    }

    /// <summary>The processor's configured options (call arguments override them per call).</summary>
    public ImageProcessingOptions Options { get; }

    /// <summary>Loads <c>preprocessor_config.json</c> from a model directory (or that file's path).</summary>
    public static VideoMAEImageProcessor FromPretrained(string directory) =>
        new(ImageProcessingOptions.FromPretrained(directory, ImageProcessingOptions.VideoMAEDefaults, nameof(VideoMAEImageProcessor)));

    /// <summary>Builds the processor from the text of a <c>preprocessor_config.json</c>.</summary>
    public static VideoMAEImageProcessor FromJson(string json) =>
        new(ImageProcessingOptions.FromJson(json, ImageProcessingOptions.VideoMAEDefaults));

    /// <summary>Processes a batch of videos with <see cref="Options"/> or the given <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">Empty input, non-RGB frames, or videos whose outputs cannot be stacked.</exception>
    public PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> videos, ImageProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var effective = options ?? Options;
        var items = new List<float[]>(videos.Count);
        long[]? itemShape = null;
        for (int v = 0; v < videos.Count; v++)
        {
            var frames = videos[v] ?? throw new ArgumentException($"Video {v} is null.");
            if (frames.Count == 0)
            {
                throw new ArgumentException($"Video {v} has no frames.");
            }
            var video = new List<float[]>(frames.Count);
            long[]? frameShape = null;
            foreach (var frame in frames)
            {
                var (chw, h, w) = ImagePipeline.Process(frame, effective, allowExactSize: true, nameof(VideoMAEImageProcessor));
                long[] shape = [3, h, w];
                if (frameShape is not null && !frameShape.SequenceEqual(shape))
                {
                    throw new ArgumentException(
                        $"Frames of video {v} give different output sizes ({string.Join("x", frameShape)} vs {string.Join("x", shape)}); enable center crop or use equally sized frames.");
                }
                frameShape = shape;
                video.Add(chw);
            }
            var stacked = PixelValues.Stack(video, frameShape!, "frames");
            if (itemShape is not null && !itemShape.SequenceEqual(stacked.Shape))
            {
                throw new ArgumentException(
                    $"Video {v} gives pixel values [{string.Join(", ", stacked.Shape)}] but video 0 gives [{string.Join(", ", itemShape)}]; " +
                    "videos in one batch need the same frame count and output size (Transformers cannot stack them either).");
            }
            itemShape = stacked.Shape;
            items.Add(stacked.Data);
        }
        return PixelValues.Stack(items, itemShape ?? [], "videos");
    }

    /// <summary>
    /// Processes a batch of videos with per-call keyword arguments as Python's <c>processor(videos, **args)</c>
    /// takes them (e.g. a fixture manifest case's <c>args</c>; <c>return_tensors</c> is ignored).
    /// </summary>
    public PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> videos, IReadOnlyDictionary<string, JsonElement>? callArguments) =>
        Preprocess(videos, Options.WithCallArguments(callArguments));

    /// <summary>Processes one video (a list of frames): pixel_values [1, frames, 3, H, W].</summary>
    public PixelValues PreprocessVideo(IReadOnlyList<RgbImage> frames, ImageProcessingOptions? options = null) =>
        Preprocess([frames], options);

    /// <summary>Processes one image as a one-frame video: pixel_values [1, 1, 3, H, W].</summary>
    public PixelValues PreprocessImage(RgbImage image, ImageProcessingOptions? options = null) =>
        Preprocess([[image]], options);

    /// <summary>
    /// Processes a channels-last uint8 array [batch, frames, H, W, 3] (or [frames, H, W, 3] for one video), the
    /// form of the fixture manifest's <c>videos</c> input, with optional call arguments.
    /// </summary>
    public PixelValues PreprocessArray(byte[] data, IReadOnlyList<long> shape, IReadOnlyDictionary<string, JsonElement>? callArguments = null) =>
        Preprocess(ImageArrays.ToVideos(data, shape), callArguments);

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(VideoMAEImageProcessor), videos: true);
        return Preprocess(inputs.Videos ?? throw new ArgumentException("VideoMAEImageProcessor needs videos.")).ToBatchFeature();
    }
}
