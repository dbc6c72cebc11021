using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// AltCLIP's processor (<c>AltCLIPProcessor</c>): a <see cref="CLIPImageProcessor"/> for images and an
/// <see cref="XLMRobertaTokenizer"/> for texts, applied in one call.
/// </summary>
public sealed class AltCLIPProcessor : IProcessor
{
    /// <summary>Combines an image processor and a tokenizer.</summary>
    public AltCLIPProcessor(CLIPImageProcessor imageProcessor, XLMRobertaTokenizer tokenizer)
    {
        ImageProcessor = imageProcessor ?? throw new ArgumentNullException(nameof(imageProcessor), "You need to specify an image processor.");
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer), "You need to specify a tokenizer.");
    }

    /// <summary>The image processor (<c>preprocessor_config.json</c>).</summary>
    public CLIPImageProcessor ImageProcessor { get; }

    /// <summary>The tokenizer (<c>sentencepiece.bpe.model</c> or <c>tokenizer.json</c> plus its configs).</summary>
    public XLMRobertaTokenizer Tokenizer { get; }

    /// <summary>Loads both parts from a model directory.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A processor or tokenizer file is missing.</exception>
    public static AltCLIPProcessor FromPretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"AltCLIP processor directory '{directory}' does not exist.");
        }
        return new AltCLIPProcessor(CLIPImageProcessor.FromPretrained(directory), XLMRobertaTokenizer.FromPretrained(directory));
    }

    /// <summary>
    /// Tokenizes <paramref name="texts"/> and/or preprocesses <paramref name="images"/> (Python's
    /// <c>processor(text=..., images=...)</c>).
    /// </summary>
    /// <param name="texts">Texts to tokenize, or null.</param>
    /// <param name="images">Images (RGB, grey or RGBA) to preprocess, or null.</param>
    /// <param name="tokenizeOptions">Padding/truncation (default: pad to the longest text, so the batch forms a tensor).</param>
    /// <returns><c>input_ids</c>/<c>attention_mask</c> (texts) and/or <c>pixel_values</c> [images, 3, H, W]; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">Neither texts nor images were given.</exception>
    public BatchFeature Process(
        IReadOnlyList<string>? texts = null, IReadOnlyList<RgbImage>? images = null, TokenizeOptions? tokenizeOptions = null)
    {
        if (texts is null && images is null)
        {
            throw new ArgumentException("You have to specify either text or images. Both cannot be none.");
        }
        var encoding = texts is null
            ? null
            : Tokenizer.Encode(texts, tokenizeOptions ?? new TokenizeOptions { Padding = PaddingStrategy.Longest });
        var pixels = images is null ? null : ImageProcessor.Preprocess(images);
        return BatchFeature.Merge(encoding?.ToBatchFeature(), pixels?.ToBatchFeature());
    }

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(AltCLIPProcessor), texts: true, images: true);
        return Process(inputs.Texts, inputs.Images);
    }
}
