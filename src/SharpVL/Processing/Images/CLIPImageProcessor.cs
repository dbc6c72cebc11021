using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// Port of Transformers 4.27.1's <c>CLIPImageProcessor</c> (also AltCLIP's): optional PIL <c>convert("RGB")</c>,
/// shortest-edge resize (Pillow-exact, bicubic by default), centre crop, rescale, normalize (OpenAI CLIP
/// mean/std by default), giving <c>pixel_values</c> [batch, 3, H, W] float32.
/// </summary>
public sealed class CLIPImageProcessor : IArrayImageProcessor, IProcessor
{
    /// <summary>Creates a processor with the given options (default: the class's constructor defaults).</summary>
    public CLIPImageProcessor(ImageProcessingOptions? options = null)
    {
        Options = options ?? ImageProcessingOptions.ClipDefaults;
    }

    /// <summary>The processor's configured options (call arguments override them per call).</summary>
    public ImageProcessingOptions Options { get; }

    /// <summary>Loads <c>preprocessor_config.json</c> from a model directory (or that file's path).</summary>
    public static CLIPImageProcessor FromPretrained(string directory) =>
        new(ImageProcessingOptions.FromPretrained(directory, ImageProcessingOptions.ClipDefaults, nameof(CLIPImageProcessor)));

    /// <summary>Builds the processor from the text of a <c>preprocessor_config.json</c>.</summary>
    public static CLIPImageProcessor FromJson(string json) =>
        new(ImageProcessingOptions.FromJson(json, ImageProcessingOptions.ClipDefaults));

    /// <summary>
    /// Processes images. 1-channel (PIL mode L) and 4-channel (RGBA) images are converted to RGB when
    /// <c>do_convert_rgb</c> is on (grey replicated, alpha dropped); otherwise every image must be RGB.
    /// </summary>
    /// <exception cref="ArgumentException">Empty input, non-RGB images without conversion, or outputs of different sizes.</exception>
    public PixelValues Preprocess(IReadOnlyList<RgbImage> images, ImageProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var effective = options ?? Options;
        var items = new List<float[]>(images.Count);
        long[]? itemShape = null;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.");
            if (effective.DoConvertRgb == true)
            {
                image = ImageTransforms.ConvertToRgb(image);
            }
            var (chw, h, w) = ImagePipeline.Process(image, effective, allowExactSize: false, nameof(CLIPImageProcessor));
            long[] shape = [3, h, w];
            if (itemShape is not null && !itemShape.SequenceEqual(shape))
            {
                throw new ArgumentException(
                    $"Image {i} gives pixel values {string.Join("x", shape)} but image 0 gives {string.Join("x", itemShape)}; " +
                    "enable center crop or process them separately.");
            }
            itemShape = shape;
            items.Add(chw);
        }
        return PixelValues.Stack(items, itemShape ?? [], "images");
    }

    /// <summary>Processes images with per-call keyword arguments as Python's <c>processor(images, **args)</c> takes them.</summary>
    public PixelValues Preprocess(IReadOnlyList<RgbImage> images, IReadOnlyDictionary<string, JsonElement>? callArguments) =>
        Preprocess(images, Options.WithCallArguments(callArguments));

    /// <summary>Processes one image: pixel_values [1, 3, H, W].</summary>
    public PixelValues PreprocessImage(RgbImage image, ImageProcessingOptions? options = null) => Preprocess([image], options);

    /// <summary>
    /// Processes a uint8 array [batch, H, W, C] (C = 3, or 4 for RGBA) or [batch, H, W] (grey), the form of the
    /// fixture manifest's <c>images</c> input (arrays with 1 or 4 channels are treated as PIL L / RGBA images).
    /// </summary>
    public PixelValues PreprocessArray(byte[] data, IReadOnlyList<long> shape, IReadOnlyDictionary<string, JsonElement>? callArguments = null) =>
        Preprocess(ImageArrays.ToImages(data, shape), callArguments);

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(CLIPImageProcessor), images: true);
        return Preprocess(inputs.Images ?? throw new ArgumentException("CLIPImageProcessor needs images.")).ToBatchFeature();
    }
}
