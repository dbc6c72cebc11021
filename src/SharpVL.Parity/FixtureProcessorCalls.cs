using System.Text.Json;
using SharpVL.Processing.Images;

namespace SharpVL.Parity;

/// <summary>
/// The fixture manifests' form of a processor call: raw channels-last uint8 arrays and Python-style keyword
/// arguments (<c>args</c>), turned into the library's typed calls. Only the harness and its tests need this; the
/// library takes <see cref="RgbImage"/>s and <see cref="ImageProcessingOptions"/>.
/// </summary>
public static class FixtureProcessorCalls
{
    // Accepted by TvltImageProcessor.preprocess in 4.27.1 and without effect on its output.
    private static readonly HashSet<string> TvltIgnored = new(StringComparer.Ordinal) { "num_frames", "mask_pixel", "sampling_rate", "mask_audio" };

    /// <summary>
    /// Runs <paramref name="processor"/> on a uint8 array laid out as the manifest's <c>videos</c>
    /// ([batch, frames, H, W, 3]) or <c>images</c> ([batch, H, W, C] / [batch, H, W]) input, with the case's <c>args</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The processor is not an image or video processor with one pixel_values output.</exception>
    public static PixelValues PreprocessArray(
        IImageProcessor processor, byte[] data, IReadOnlyList<long> shape, IReadOnlyDictionary<string, JsonElement>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(processor);
        return processor switch
        {
            CLIPImageProcessor clip => clip.Preprocess(ImageArrays.ToImages(data, shape), clip.Options.WithCallArguments(arguments)),
            VideoMAEImageProcessor videoMae => videoMae.Preprocess(ImageArrays.ToVideos(data, shape), videoMae.Options.WithCallArguments(arguments)),
            _ => throw new NotSupportedException($"{processor.GetType().Name} has no array form here."),
        };
    }

    /// <summary>
    /// Runs <see cref="TvltImageProcessor"/> with Python-style keyword arguments: <c>is_mixed</c>, <c>patch_size</c>, any
    /// image option; <c>return_tensors</c>, <c>num_frames</c>, <c>mask_pixel</c> are accepted and have no effect, as in 4.27.1.
    /// </summary>
    public static TvltImageProcessorOutput Preprocess(
        TvltImageProcessor processor, IReadOnlyList<IReadOnlyList<RgbImage>> videos, IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        ArgumentNullException.ThrowIfNull(processor);
        var (options, patch, isMixed) = TvltArguments(processor.Options, arguments);
        return processor.Preprocess(videos, options, patch, isMixed);
    }

    /// <summary>Splits TVLT keyword arguments into image options, a patch size and the <c>is_mixed</c> flag.</summary>
    public static (ImageProcessingOptions Options, IReadOnlyList<int>? PatchSize, bool IsMixed) TvltArguments(
        ImageProcessingOptions options, IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        ArgumentNullException.ThrowIfNull(options);
        var imageArguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        bool isMixed = false;
        IReadOnlyList<int>? patch = null;
        foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            if (name == "is_mixed")
            {
                isMixed = value.ValueKind == JsonValueKind.True;
            }
            else if (name == "patch_size")
            {
                patch = value.ValueKind == JsonValueKind.Null ? null : ReadPatch(value);
            }
            else if (!TvltIgnored.Contains(name))
            {
                imageArguments[name] = value;
            }
        }
        return (options.WithCallArguments(imageArguments), patch, isMixed);
    }

    private static int[] ReadPatch(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v) || v <= 0))
        {
            throw new ArgumentException($"patch_size must be two positive integers, got {value.GetRawText()}.");
        }
        return value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }
}
