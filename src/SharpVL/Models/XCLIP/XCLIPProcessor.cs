using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// X-CLIP's processor (<c>XCLIPProcessor</c>): a <see cref="VideoMAEImageProcessor"/> for the videos and a
/// <see cref="CLIPTokenizer"/> for the texts.
/// </summary>
public sealed class XCLIPProcessor : IProcessor
{
    /// <summary>Combines an image processor and a tokenizer.</summary>
    public XCLIPProcessor(VideoMAEImageProcessor imageProcessor, CLIPTokenizer tokenizer)
    {
        ImageProcessor = imageProcessor ?? throw new ArgumentNullException(nameof(imageProcessor));
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
    }

    /// <summary>The video processor.</summary>
    public VideoMAEImageProcessor ImageProcessor { get; }

    /// <summary>The text tokenizer.</summary>
    public CLIPTokenizer Tokenizer { get; }

    /// <summary>
    /// Loads both parts from a model directory: <c>preprocessor_config.json</c> (including the Hub repos' legacy
    /// <c>VideoMAEFeatureExtractor</c> files with <c>"size": 224</c> and no <c>crop_size</c>) and the CLIP tokenizer files.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="ProcessorFileNotFoundException">preprocessor_config.json is missing.</exception>
    /// <exception cref="Processing.Text.TokenizerException">The tokenizer files are missing or malformed.</exception>
    public static XCLIPProcessor FromPretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Processor directory not found: {directory}");
        }
        ProcessorFileNotFoundException.PreprocessorConfig(directory, nameof(XCLIPProcessor));
        return new XCLIPProcessor(VideoMAEImageProcessor.FromPretrained(directory), CLIPTokenizer.FromPretrained(directory));
    }

    /// <summary>
    /// Prepares texts and/or videos (Python's <c>processor(text=..., videos=...)</c>).
    /// </summary>
    /// <param name="texts">Texts to tokenize, or null.</param>
    /// <param name="videos">Videos (each a list of frames) to process, or null.</param>
    /// <param name="tokenizeOptions">Padding/truncation (default: none, like Python; pass <see cref="PaddingStrategy.Longest"/> to stack texts of different lengths).</param>
    /// <param name="imageOptions">Overrides of the image processor's options.</param>
    /// <returns><c>input_ids</c>/<c>attention_mask</c> (texts) and/or <c>pixel_values</c> [videos, frames, 3, H, W]; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">Neither texts nor videos were given.</exception>
    /// <exception cref="InvalidOperationException">Texts of different lengths were tokenized without padding.</exception>
    public BatchFeature Process(
        IReadOnlyList<string>? texts = null, IReadOnlyList<IReadOnlyList<RgbImage>>? videos = null,
        TokenizeOptions? tokenizeOptions = null, ImageProcessingOptions? imageOptions = null)
    {
        if (texts is null && videos is null)
        {
            throw new ArgumentException("You have to specify either texts or videos. Both cannot be null.");
        }
        var encoding = texts is null ? null : Tokenizer.Encode(texts, tokenizeOptions ?? TokenizeOptions.Default);
        var pixels = videos is null ? null : ImageProcessor.Preprocess(videos, imageOptions);
        return BatchFeature.Merge(encoding?.ToBatchFeature(), pixels?.ToBatchFeature());
    }

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(XCLIPProcessor), texts: true, videos: true);
        return Process(inputs.Texts, inputs.Videos);
    }

    /// <summary>Decodes one sequence of ids (the tokenizer's <c>decode</c>).</summary>
    public string Decode(IReadOnlyList<long> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true)
        => Tokenizer.Decode(ids, skipSpecialTokens, cleanUpTokenizationSpaces);

    /// <summary>Decodes each sequence of a batch (the tokenizer's <c>batch_decode</c>).</summary>
    public IReadOnlyList<string> BatchDecode(
        IReadOnlyList<IReadOnlyList<long>> sequences, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true)
        => Tokenizer.BatchDecode(sequences, skipSpecialTokens, cleanUpTokenizationSpaces);
}
