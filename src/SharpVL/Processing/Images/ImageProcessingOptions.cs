using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// The options of Transformers 4.27.1's resize / centre-crop / rescale / normalize image processors
/// (VideoMAE, X-CLIP, CLIP, AltCLIP), as stored in <c>preprocessor_config.json</c> and overridable per call.
/// Immutable: derive per-call variants with <c>with</c>.
/// </summary>
public sealed partial record ImageProcessingOptions
{
    /// <summary>Whether to resize (<c>do_resize</c>).</summary>
    public bool DoResize { get; init; } = true;

    /// <summary>Resize target (<c>size</c>).</summary>
    public ImageSizeSpec Size { get; init; } = ImageSizeSpec.Shortest(224);

    /// <summary>Pillow filter used to resize (<c>resample</c>).</summary>
    public PilResample Resample { get; init; } = PilResample.Bilinear;

    /// <summary>Whether to centre-crop after resizing (<c>do_center_crop</c>).</summary>
    public bool DoCenterCrop { get; init; } = true;

    /// <summary>Centre-crop size (<c>crop_size</c>); must be a height/width size when cropping.</summary>
    public ImageSizeSpec CropSize { get; init; } = ImageSizeSpec.Exact(224, 224);

    /// <summary>Whether to multiply the uint8 pixels by <see cref="RescaleFactor"/> (<c>do_rescale</c>).</summary>
    public bool DoRescale { get; init; } = true;

    /// <summary>Rescale factor (<c>rescale_factor</c>, default 1/255).</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255;

    /// <summary>Whether to normalize with <see cref="ImageMean"/> / <see cref="ImageStd"/> (<c>do_normalize</c>).</summary>
    public bool DoNormalize { get; init; } = true;

    /// <summary>Per-channel mean (<c>image_mean</c>); one value is used for every channel.</summary>
    public IReadOnlyList<double> ImageMean { get; init; } = ImageNetStandardMean;

    /// <summary>Per-channel standard deviation (<c>image_std</c>); one value is used for every channel.</summary>
    public IReadOnlyList<double> ImageStd { get; init; } = ImageNetStandardStd;

    /// <summary>
    /// Whether L / RGBA images are converted to RGB with PIL <c>convert("RGB")</c> semantics first
    /// (<c>do_convert_rgb</c>, CLIP only); null for processors without the option.
    /// </summary>
    public bool? DoConvertRgb { get; init; }

    /// <summary>
    /// Every other key of the config file, kept verbatim (<c>image_processor_type</c>, <c>feature_extractor_type</c>,
    /// <c>processor_class</c>, ...), so that saving writes them back.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> ExtraKeys { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary><c>IMAGENET_STANDARD_MEAN</c> (0.5, 0.5, 0.5), VideoMAE's default.</summary>
    public static IReadOnlyList<double> ImageNetStandardMean { get; } = [0.5, 0.5, 0.5];

    /// <summary><c>IMAGENET_STANDARD_STD</c> (0.5, 0.5, 0.5), VideoMAE's default.</summary>
    public static IReadOnlyList<double> ImageNetStandardStd { get; } = [0.5, 0.5, 0.5];

    /// <summary><c>OPENAI_CLIP_MEAN</c>, CLIP's default.</summary>
    public static IReadOnlyList<double> OpenAIClipMean { get; } = [0.48145466, 0.4578275, 0.40821073];

    /// <summary><c>OPENAI_CLIP_STD</c>, CLIP's default.</summary>
    public static IReadOnlyList<double> OpenAIClipStd { get; } = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>VideoMAEImageProcessor's constructor defaults (shortest edge 224, crop 224, bilinear, 0.5 mean/std).</summary>
    public static ImageProcessingOptions VideoMAEDefaults { get; } = new();

    /// <summary>CLIPImageProcessor's constructor defaults (bicubic, OpenAI CLIP mean/std, do_convert_rgb).</summary>
    public static ImageProcessingOptions ClipDefaults { get; } = new()
    {
        Resample = PilResample.Bicubic,
        ImageMean = OpenAIClipMean,
        ImageStd = OpenAIClipStd,
        DoConvertRgb = true,
    };

    /// <summary>Call arguments that select output formats rather than pixel arithmetic; accepted and ignored.</summary>
    private static readonly HashSet<string> IgnoredCallArguments = ["return_tensors"];

    /// <summary>
    /// Applies per-call keyword arguments (the <c>args</c> of a fixture manifest case, or what a Python caller
    /// would pass to <c>processor(...)</c>): any option by its config name; <c>return_tensors</c> is ignored and
    /// JSON null means "keep the processor's value", as in Transformers.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown argument or a badly typed value.</exception>
    internal ImageProcessingOptions WithCallArguments(IReadOnlyDictionary<string, JsonElement>? callArguments)
    {
        var options = this;
        if (callArguments is null)
        {
            return options;
        }
        foreach (var (name, value) in callArguments)
        {
            if (IgnoredCallArguments.Contains(name))
            {
                continue;
            }
            if (name == "data_format")
            {
                if (value.ValueKind != JsonValueKind.Null &&
                    !(value.ValueKind == JsonValueKind.String && value.GetString() == "channels_first"))
                {
                    throw new ArgumentException($"Only data_format='channels_first' is supported, got {value}.");
                }
                continue;
            }
            if (!TryApply(ref options, name, value))
            {
                throw new ArgumentException($"Unknown image processor argument '{name}'.");
            }
        }
        return options;
    }

    /// <summary>
    /// Checks the values can describe a working processor: one or three finite means and non-zero standard deviations,
    /// a finite rescale factor (sizes are checked when they are made, see <see cref="ImageSizeSpec"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A value out of range; <see cref="ArgumentException.ParamName"/> is its config key.</exception>
    public void Validate()
    {
        if (!double.IsFinite(RescaleFactor))
        {
            throw new ArgumentException($"must be a finite number, got {RescaleFactor}.", "rescale_factor");
        }
        if (ImageMean.Count is not (1 or 3) || ImageMean.Any(m => !double.IsFinite(m)))
        {
            throw new ArgumentException($"must hold 1 or 3 finite numbers (one per channel), got [{string.Join(", ", ImageMean)}].", "image_mean");
        }
        if (ImageStd.Count is not (1 or 3) || ImageStd.Any(v => !double.IsFinite(v) || v == 0))
        {
            throw new ArgumentException($"must hold 1 or 3 finite non-zero numbers (one per channel), got [{string.Join(", ", ImageStd)}].", "image_std");
        }
    }

    /// <summary>Sets the option named <paramref name="name"/>; false when the name is not an option.</summary>
    private static bool TryApply(ref ImageProcessingOptions options, string name, JsonElement value)
    {
        bool isNull = value.ValueKind == JsonValueKind.Null;
        switch (name)
        {
            case "do_resize":
                options = isNull ? options : options with { DoResize = ReadBool(value, name) };
                return true;
            case "size":
                options = isNull ? options : options with { Size = ImageSizeSpec.Parse(value, defaultToSquare: false, name) };
                return true;
            case "resample":
                options = isNull ? options : options with { Resample = ReadResample(value) };
                return true;
            case "do_center_crop":
                options = isNull ? options : options with { DoCenterCrop = ReadBool(value, name) };
                return true;
            case "crop_size":
                options = isNull ? options : options with { CropSize = ImageSizeSpec.Parse(value, defaultToSquare: true, name) };
                return true;
            case "do_rescale":
                options = isNull ? options : options with { DoRescale = ReadBool(value, name) };
                return true;
            case "rescale_factor":
                options = isNull ? options : options with { RescaleFactor = ReadDouble(value, name) };
                return true;
            case "do_normalize":
                options = isNull ? options : options with { DoNormalize = ReadBool(value, name) };
                return true;
            case "image_mean":
                options = isNull ? options : options with { ImageMean = ReadDoubles(value, name) };
                return true;
            case "image_std":
                options = isNull ? options : options with { ImageStd = ReadDoubles(value, name) };
                return true;
            case "do_convert_rgb":
                options = isNull ? options : options with { DoConvertRgb = ReadBool(value, name) };
                return true;
            default:
                return false;
        }
    }

    private static bool ReadBool(JsonElement e, string name) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ArgumentException($"'{name}' must be true or false, got {e}."),
    };

    private static double ReadDouble(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw new ArgumentException($"'{name}' must be a number, got {e}.");

    private static double[] ReadDoubles(JsonElement e, string name) => e.ValueKind switch
    {
        JsonValueKind.Number => [e.GetDouble()],
        JsonValueKind.Array when e.GetArrayLength() > 0 => e.EnumerateArray().Select(x => ReadDouble(x, name)).ToArray(),
        _ => throw new ArgumentException($"'{name}' must be a number or a non-empty list of numbers, got {e}."),
    };

    private static PilResample ReadResample(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) && Enum.IsDefined((PilResample)v))
        {
            return (PilResample)v;
        }
        throw new ArgumentException($"'resample' must be a Pillow filter number 0-5, got {e}.");
    }
}
