using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// Port of Transformers 4.27.1's <c>TvltImageProcessor</c>: frames are resized (shortest edge, Pillow-exact),
/// centre-cropped, rescaled and normalized like VideoMAE's, and a <c>pixel_mask</c> marks the patches of real frames.
/// </summary>
/// <remarks>
/// Reference quirks kept: frames are never padded (a ragged batch stays a list of videos); the mask is built
/// for the longest video with <c>(size.shortest_edge // patch_size[0])²</c> patches per frame (the resize size,
/// not the crop size); a video longer than the processor's own <c>num_frames</c> is rejected.
/// </remarks>
public sealed class TvltImageProcessor : IProcessor
{
    /// <summary>TvltImageProcessor's constructor defaults (shortest edge 224, crop 224, bilinear, 0.5 mean/std).</summary>
    public static ImageProcessingOptions TvltDefaults { get; } = ImageProcessingOptions.VideoMAEDefaults;

    /// <summary>Creates a processor.</summary>
    /// <param name="options">Resize/crop/rescale/normalize settings (default <see cref="TvltDefaults"/>).</param>
    /// <param name="patchSize">Image patch [height, width] (<c>patch_size</c>, default 16x16).</param>
    /// <param name="numFrames">Most frames a video may have (<c>num_frames</c>, default 8).</param>
    public TvltImageProcessor(ImageProcessingOptions? options = null, IReadOnlyList<int>? patchSize = null, int numFrames = 8)
    {
        Options = options ?? TvltDefaults;
        PatchSize = patchSize ?? [16, 16];
        if (PatchSize.Count != 2 || PatchSize[0] <= 0 || PatchSize[1] <= 0)
        {
            throw new ArgumentException($"patch_size must be two positive integers, got [{string.Join(", ", PatchSize)}].", nameof(patchSize));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFrames);
        NumFrames = numFrames;
    }

    /// <summary>Image settings.</summary>
    public ImageProcessingOptions Options { get; }

    /// <summary>Image patch size [height, width].</summary>
    public IReadOnlyList<int> PatchSize { get; }

    /// <summary>Most frames a video may have.</summary>
    public int NumFrames { get; }

    /// <summary>Loads <c>preprocessor_config.json</c> (the image keys plus <c>patch_size</c> and <c>num_frames</c>).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static TvltImageProcessor FromPretrained(string directoryOrFile)
    {
        var options = ImageProcessingOptions.FromPretrained(directoryOrFile, TvltDefaults, nameof(TvltImageProcessor));
        var path = File.Exists(directoryOrFile) && !Directory.Exists(directoryOrFile)
            ? directoryOrFile
            : Path.Combine(directoryOrFile, "preprocessor_config.json");
        return FromOptions(options, path);
    }

    /// <summary>Builds the processor from the text of a <c>preprocessor_config.json</c>.</summary>
    public static TvltImageProcessor FromJson(string json, string source = "preprocessor_config.json") =>
        FromOptions(ImageProcessingOptions.FromJson(json, TvltDefaults, source), source);

    private static TvltImageProcessor FromOptions(ImageProcessingOptions options, string source)
    {
        IReadOnlyList<int> patch = [16, 16];
        int frames = 8;
        if (options.ExtraKeys.TryGetValue("patch_size", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            patch = ReadPatch(p, source);
        }
        if (options.ExtraKeys.TryGetValue("num_frames", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            frames = PreprocessorJson.PositiveInt(f, source, "num_frames", Configuration.ConfigLimits.MaxFrames);
        }
        return new TvltImageProcessor(options, patch, frames);
    }

    /// <summary>Processes a batch of videos (lists of RGB frames).</summary>
    /// <param name="videos">The videos; each must have at most <see cref="NumFrames"/> frames.</param>
    /// <param name="options">Per-call image settings (default <see cref="Options"/>).</param>
    /// <param name="patchSize">Per-call patch size for the mask (default <see cref="PatchSize"/>).</param>
    /// <param name="isMixed">Name the outputs <c>pixel_values_mixed</c>/<c>pixel_mask_mixed</c> (matching-task negatives).</param>
    /// <exception cref="ArgumentException">Empty input, a video with no or too many frames, or a size without shortest_edge.</exception>
    public TvltImageProcessorOutput Preprocess(
        IReadOnlyList<IReadOnlyList<RgbImage>> videos, ImageProcessingOptions? options = null, IReadOnlyList<int>? patchSize = null,
        bool isMixed = false)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var effective = options ?? Options;
        var patch = patchSize ?? PatchSize;
        if (videos.Count == 0)
        {
            throw new ArgumentException("No videos to process.", nameof(videos));
        }
        for (int v = 0; v < videos.Count; v++)
        {
            int count = videos[v]?.Count ?? throw new ArgumentException($"Video {v} is null.", nameof(videos));
            if (count == 0)
            {
                throw new ArgumentException($"Video {v} has no frames.", nameof(videos));
            }
            if (count > NumFrames)
            {
                throw new ArgumentException(
                    $"Video {v} has {count} frames; the number of frames must not be greater than the maximum frames of the model {NumFrames}.",
                    nameof(videos));
            }
        }
        if (effective.Size.ShortestEdge is not int shortest)
        {
            throw new ArgumentException($"TvltImageProcessor builds pixel_mask from size['shortest_edge'], but size is {effective.Size}.");
        }
        int maxFrames = videos.Max(v => v.Count);
        int patchesPerFrame = (shortest / patch[0]) * (shortest / patch[0]);
        var mask = new long[(long)videos.Count * maxFrames * patchesPerFrame];
        for (int v = 0; v < videos.Count; v++)
        {
            mask.AsSpan(v * maxFrames * patchesPerFrame, videos[v].Count * patchesPerFrame).Fill(1);
        }
        var processed = new List<PixelValues>(videos.Count);
        for (int v = 0; v < videos.Count; v++)
        {
            var frames = new List<float[]>(videos[v].Count);
            long[]? frameShape = null;
            foreach (var frame in videos[v])
            {
                var (chw, h, w) = ImagePipeline.Process(frame, effective, allowExactSize: true, nameof(TvltImageProcessor));
                long[] shape = [3, h, w];
                if (frameShape is not null && !frameShape.SequenceEqual(shape))
                {
                    throw new ArgumentException(
                        $"Frames of video {v} give different output sizes ({string.Join("x", frameShape)} vs {string.Join("x", shape)}); enable center crop or use equally sized frames.");
                }
                frameShape = shape;
                frames.Add(chw);
            }
            var stacked = PixelValues.Stack(frames, frameShape!, "frames");
            processed.Add(stacked);
        }
        return new TvltImageProcessorOutput(processed, mask, [videos.Count, maxFrames * patchesPerFrame], isMixed);
    }

    /// <summary>
    /// Processes videos with Python-style keyword arguments (<c>is_mixed</c>, <c>patch_size</c>, any image option;
    /// <c>return_tensors</c>, <c>num_frames</c> and <c>mask_pixel</c> are accepted and have no effect, as in 4.27.1).
    /// </summary>
    public TvltImageProcessorOutput Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> videos, IReadOnlyDictionary<string, JsonElement>? callArguments)
    {
        var imageArguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        bool isMixed = false;
        IReadOnlyList<int>? patch = null;
        foreach (var (name, value) in callArguments ?? new Dictionary<string, JsonElement>())
        {
            switch (name)
            {
                case "is_mixed":
                    isMixed = value.ValueKind == JsonValueKind.True;
                    break;
                case "patch_size":
                    patch = value.ValueKind == JsonValueKind.Null ? null : ReadPatch(value, "call argument");
                    break;
                case "num_frames" or "mask_pixel" or "sampling_rate" or "mask_audio":
                    break;
                default:
                    imageArguments[name] = value;
                    break;
            }
        }
        return Preprocess(videos, Options.WithCallArguments(imageArguments), patch, isMixed);
    }

    private static int[] ReadPatch(JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
        {
            throw PreprocessorJson.Fail(source, "patch_size", $"must be two positive integers, got {TextForMessages.Printable(value.GetRawText())}.");
        }
        return value.EnumerateArray().Select(e => PreprocessorJson.PositiveInt(e, source, "patch_size", Configuration.ConfigLimits.MaxImageSide)).ToArray();
    }

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(TvltImageProcessor), videos: true);
        return Preprocess(inputs.Videos ?? throw new ArgumentException("TvltImageProcessor needs videos.")).ToTensors();
    }
}
