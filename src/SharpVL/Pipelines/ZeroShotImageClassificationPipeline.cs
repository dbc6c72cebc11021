using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Zero-shot image classification and image–text similarity with AltCLIP (Transformers' <c>zero-shot-image-classification</c>
/// pipeline): images and free-text candidate labels, in any language the tokenizer covers, are embedded by the two towers;
/// label probabilities are the softmax of the scaled cosine similarities over the candidates.
/// </summary>
/// <remarks>
/// Images and texts are embedded in batches of <see cref="BatchSize"/>, so any number of either fits in memory; each text
/// is embedded once for all images. Texts longer than the tokenizer's <c>model_max_length</c> are truncated (Transformers
/// 4.27.1 would fail on them with an index error).
/// </remarks>
public sealed class ZeroShotImageClassificationPipeline : IDisposable
{
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model and processor; <paramref name="ownsModel"/> makes <see cref="Dispose"/> dispose the model.</summary>
    public ZeroShotImageClassificationPipeline(AltCLIPModel model, AltCLIPProcessor processor, bool ownsModel = false)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _ownsModel = ownsModel;
    }

    /// <summary>The dual encoder.</summary>
    public AltCLIPModel Model { get; }

    /// <summary>The image processor and tokenizer.</summary>
    public AltCLIPProcessor Processor { get; }

    /// <summary>Images or texts per forward pass (default 16).</summary>
    public int BatchSize
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    } = 16;

    /// <summary>
    /// How a candidate label becomes the text that is embedded; <c>{}</c> is replaced by the label. The default <c>{}</c>
    /// uses labels as written (Transformers' default is <c>This is a photo of {}.</c>, which only suits English labels).
    /// </summary>
    public string HypothesisTemplate
    {
        get;
        set => field = value is not null && value.Contains("{}", StringComparison.Ordinal)
            ? value
            : throw new ArgumentException("The hypothesis template must contain '{}' where the label goes.", nameof(HypothesisTemplate));
    } = "{}";

    /// <summary>Loads an <c>altclip</c> model and its processor files from a directory or Hub id.</summary>
    /// <exception cref="InvalidDataException">The directory holds another kind of model, or a file is malformed.</exception>
    public static ZeroShotImageClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var model = AltCLIPModel.FromPretrained(directory, options);
        try
        {
            return new ZeroShotImageClassificationPipeline(model, AltCLIPProcessor.FromPretrained(directory), ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Scores every candidate label for each image.</summary>
    /// <param name="images">Images (RGB, grey or RGBA).</param>
    /// <param name="candidateLabels">At least one label; duplicates are allowed but compete with each other.</param>
    /// <param name="sources">Optional names reported with each result (e.g. file paths).</param>
    /// <exception cref="ArgumentException">No images, no labels, or a blank label.</exception>
    public IReadOnlyList<ZeroShotImageClassificationResult> Classify(
        IReadOnlyList<RgbImage> images, IReadOnlyList<string> candidateLabels, IReadOnlyList<string?>? sources = null)
    {
        var probabilities = Probabilities(images, candidateLabels);
        return [.. probabilities.Select((row, i) => new ZeroShotImageClassificationResult(
            sources is not null && i < sources.Count ? sources[i] : null,
            [.. row.Select((score, index) => new LabelScore(index, candidateLabels[index], score))
                .OrderByDescending(s => s.Score).ThenBy(s => s.Index)]))];
    }

    /// <summary>Loads image files (EXIF orientation applied, converted to RGB) and classifies them.</summary>
    /// <exception cref="FileNotFoundException">An image file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image.</exception>
    public IReadOnlyList<ZeroShotImageClassificationResult> ClassifyFiles(IReadOnlyList<string> imagePaths, IReadOnlyList<string> candidateLabels)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return Classify(LoadImages(imagePaths), candidateLabels, imagePaths);
    }

    /// <summary>Label probabilities in candidate order, <c>[image][label]</c> (each row sums to 1).</summary>
    public float[][] Probabilities(IReadOnlyList<RgbImage> images, IReadOnlyList<string> candidateLabels)
    {
        CheckTexts(candidateLabels, "candidate label");
        var hypotheses = candidateLabels.Select(l => HypothesisTemplate.Replace("{}", l, StringComparison.Ordinal)).ToList();
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var logits = Model.LogitsPerImage(EmbedImages(images), EmbedTexts(hypotheses));
        // float32 softmax even for half-precision models, so probabilities keep their resolution.
        return ToRows(logits.to(ScalarType.Float32).softmax(-1));
    }

    /// <summary>The similarity of every image with every text (no softmax: each pair is scored on its own).</summary>
    /// <param name="images">Images (RGB, grey or RGBA).</param>
    /// <param name="texts">Texts, used as written.</param>
    /// <param name="sources">Optional image names (default <c>image[i]</c>).</param>
    public ImageTextSimilarity Similarity(IReadOnlyList<RgbImage> images, IReadOnlyList<string> texts, IReadOnlyList<string>? sources = null)
    {
        CheckTexts(texts, "text");
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var imageEmbeds = Normalize(EmbedImages(images));
        var textEmbeds = Normalize(EmbedTexts(texts));
        var cosine = matmul(imageEmbeds, textEmbeds.t());
        var logits = Model.LogitsPerImage(imageEmbeds, textEmbeds);
        var names = sources ?? [.. Enumerable.Range(0, images.Count).Select(i => $"image[{i}]")];
        return new ImageTextSimilarity(names, [.. texts], ToRows(cosine), ToRows(logits));
    }

    /// <summary>Loads image files and computes <see cref="Similarity"/>.</summary>
    public ImageTextSimilarity SimilarityFiles(IReadOnlyList<string> imagePaths, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return Similarity(LoadImages(imagePaths), texts, imagePaths);
    }

    /// <summary>Projected image embeddings (<c>get_image_features</c>, not normalised) [images, projection_dim], in batches.</summary>
    public Tensor EmbedImages(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("No images given.", nameof(images));
        }
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var parts = images.Chunk(BatchSize).Select(batch =>
        {
            using var pixels = Processor.ImageProcessor.Preprocess(batch).ToTensor();
            return Model.GetImageFeatures(pixels);
        }).ToList();
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Projected text embeddings (<c>get_text_features</c>, not normalised) [texts, projection_dim], in batches.</summary>
    public Tensor EmbedTexts(IReadOnlyList<string> texts)
    {
        CheckTexts(texts, "text");
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var options = new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true };
        var parts = texts.Chunk(BatchSize).Select(batch =>
        {
            var (ids, mask) = Processor.Tokenizer.Encode(batch, options).ToTensors();
            using (ids)
            using (mask)
            {
                return Model.GetTextFeatures(ids, mask);
            }
        }).ToList();
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private static List<RgbImage> LoadImages(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new ArgumentException("No image files given.", nameof(paths));
        }
        return [.. paths.Select(ImageFile.LoadRgb)];
    }

    private static void CheckTexts(IReadOnlyList<string> texts, string what)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException($"At least one {what} is needed.", nameof(texts));
        }
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new ArgumentException($"The {what} at position {i} is empty.", nameof(texts));
            }
        }
    }

    private static Tensor Normalize(Tensor embeds) => embeds / embeds.norm(-1, true, 2);

    private static float[][] ToRows(Tensor matrix)
    {
        using var host = matrix.to(ScalarType.Float32).cpu().contiguous();
        var values = host.data<float>().ToArray();
        var (rows, columns) = ((int)host.shape[0], (int)host.shape[1]);
        return [.. Enumerable.Range(0, rows).Select(r => values.AsSpan(r * columns, columns).ToArray())];
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
