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
/// Images and texts are embedded in batches of <see cref="ClassificationPipeline{TModel}.BatchSize"/>, so any number of either fits in memory; each text
/// is embedded once for all images. Texts longer than the tokenizer's <c>model_max_length</c> are truncated (Transformers
/// 4.27.1 would fail on them with an index error).
/// </remarks>
public sealed class ZeroShotImageClassificationPipeline : ClassificationPipeline<AltCLIPModel>
{
    /// <summary>
    /// The default hypothesis template: labels are used as written (Transformers' default is <c>This is a photo of {}.</c>,
    /// which only suits English labels).
    /// </summary>
    public const string DefaultTemplate = "{}";

    /// <summary>Wraps a loaded model and processor; see <see cref="IPipeline"/> for the ownership rule.</summary>
    public ZeroShotImageClassificationPipeline(AltCLIPModel model, AltCLIPProcessor processor, bool ownsModel = false)
        : base(model, ownsModel, batchSize: 16)
    {
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
    }

    /// <inheritdoc />
    public override string Task => PipelineTasks.ZeroShotImageClassification;

    private protected override bool ZeroShot => true;

    private protected override bool TakesVideo => false;

    /// <summary>The image processor and tokenizer.</summary>
    public AltCLIPProcessor Processor { get; }

    /// <summary>Loads an <c>altclip</c> model and its processor files from a directory or Hub id.</summary>
    /// <exception cref="InvalidDataException">The directory holds another kind of model, or a file is malformed.</exception>
    public static ZeroShotImageClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        return Build(
            () => AltCLIPModel.FromPretrained(directory, options),
            model => new ZeroShotImageClassificationPipeline(model, AltCLIPProcessor.FromPretrained(directory), ownsModel: true));
    }

    /// <summary>Scores the candidate labels for one image (RGB, grey or RGBA).</summary>
    public ClassificationResult Classify(RgbImage image, ClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ClassifyImages([image], options)[0];
    }

    /// <summary>Scores the candidate labels for each image.</summary>
    /// <param name="images">Images (RGB, grey or RGBA).</param>
    /// <param name="options">The candidate labels (required) and the other settings.</param>
    /// <param name="sources">Optional names reported with each result (e.g. file paths).</param>
    /// <exception cref="ArgumentException">No images, no labels, or a blank label.</exception>
    public IReadOnlyList<ClassificationResult> ClassifyImages(
        IReadOnlyList<RgbImage> images, ClassificationOptions options, IReadOnlyList<string?>? sources = null)
    {
        var checkedOptions = Check(options);
        using var texts = EmbedTexts(Hypotheses(checkedOptions));
        return Rank(images, texts, checkedOptions, sources);
    }

    private protected override IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyBatches(IReadOnlyList<string> paths, ClassificationOptions options)
    {
        // Each label is embedded once for all images; the images are loaded one batch at a time.
        using var texts = EmbedTexts(Hypotheses(options));
        foreach (var batch in paths.Chunk(BatchSize))
        {
            yield return Rank(LoadImages(batch), texts, options, batch);
        }
    }

    /// <summary>Label probabilities in candidate order, <c>[image][label]</c> (each row sums to 1).</summary>
    public float[][] Probabilities(IReadOnlyList<RgbImage> images, ClassificationOptions options)
    {
        var checkedOptions = Check(options);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var logits = Model.LogitsPerImage(EmbedImages(images), EmbedTexts(Hypotheses(checkedOptions)));
        // float32 softmax even for half-precision models, so probabilities keep their resolution.
        return ToRows(logits.to(ScalarType.Float32).softmax(-1));
    }

    private static List<string> Hypotheses(ClassificationOptions options)
    {
        var template = options.HypothesisTemplate ?? DefaultTemplate;
        return [.. options.CandidateLabels!.Select(l => ZeroShotLabelSet.ApplyTemplate(template, l))];
    }

    private List<ClassificationResult> Rank(IReadOnlyList<RgbImage> images, Tensor textEmbeds, ClassificationOptions options, IReadOnlyList<string?>? sources)
    {
        var labels = options.CandidateLabels!;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var logits = Model.LogitsPerImage(EmbedImages(images), textEmbeds);
        return [.. Enumerable.Range(0, images.Count).Select(i => ClassificationResult.FromLogits(
            sources is not null && i < sources.Count ? sources[i] : null, [], logits[i], k => labels[k], options.TopK))];
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
}
