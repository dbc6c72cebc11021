using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// AltCLIP (<c>AltCLIPModel</c>): a multilingual XLM-R text tower and a CLIP ViT vision tower projected into one
/// embedding space, scored by scaled cosine similarity.
/// </summary>
public sealed class AltCLIPModel : PreTrainedModel<AltCLIPConfig>
{
    private readonly AltCLIPTextModel text_model;
    private readonly AltCLIPVisionTransformer vision_model;
    private readonly KernelLinear visual_projection;
    private readonly KernelLinear text_projection;
    private readonly Parameter logit_scale;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public AltCLIPModel(AltCLIPConfig config) : base(nameof(AltCLIPModel), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        text_model = new AltCLIPTextModel(config.TextConfig);
        vision_model = new AltCLIPVisionTransformer(config.VisionConfig);
        visual_projection = new KernelLinear(config.VisionConfig.HiddenSize, config.ProjectionDim, hasBias: false);
        text_projection = new KernelLinear(config.TextConfig.ProjectDim, config.ProjectionDim, hasBias: false);
        logit_scale = nn.Parameter(tensor((float)config.LogitScaleInitValue));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "altclip";

    /// <summary>Loads a model from a directory or Hub id.</summary>
    public static AltCLIPModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new AltCLIPModel(AltCLIPConfig.FromPretrained(dir)));

    /// <summary>Scores every image against every text.</summary>
    /// <param name="inputIds">Token ids [texts, T].</param>
    /// <param name="pixelValues">Normalized pixels [images, C, H, W].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [texts, T].</param>
    /// <param name="positionIds">Text position ids (default: derived from the padding).</param>
    /// <param name="tokenTypeIds">Text segment ids (default: 0).</param>
    /// <param name="returnLoss">Compute the symmetric contrastive loss (needs as many images as texts).</param>
    /// <param name="outputAttentions">Return both towers' attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return both towers' hidden states (default: config).</param>
    /// <param name="interpolatePosEncoding">Resize the vision position table for images of another resolution.</param>
    /// <exception cref="ArgumentException">The loss is requested for a non-square batch, or inputs are malformed.</exception>
    public AltCLIPOutput Forward(
        Tensor inputIds, Tensor pixelValues, Tensor? attentionMask = null, Tensor? positionIds = null, Tensor? tokenTypeIds = null,
        bool returnLoss = false, bool? outputAttentions = null, bool? outputHiddenStates = null, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(pixelValues);
        if (returnLoss && inputIds.shape[0] != pixelValues.shape[0])
        {
            // Transformers fails here too (cross_entropy targets arange(len(logits)) leave the class range).
            throw new ArgumentException(
                $"return_loss needs as many images as texts (the contrastive targets are the diagonal); got {pixelValues.shape[0]} images and {inputIds.shape[0]} texts.");
        }
        var attentions = outputAttentions ?? Config.OutputAttentions;
        var hiddenStates = outputHiddenStates ?? Config.OutputHiddenStates;
        using var scope = NewDisposeScope();
        var textOutput = text_model.Forward(inputIds, attentionMask, tokenTypeIds, positionIds, null, attentions, hiddenStates);
        var visionOutput = vision_model.Forward(PlaceInput(pixelValues), attentions, hiddenStates, interpolatePosEncoding);
        var imageEmbeds = Normalize(visual_projection.call(visionOutput.PoolerOutput));
        var textEmbeds = Normalize(text_projection.call(textOutput.PoolerOutput));
        var logitsPerText = matmul(textEmbeds, imageEmbeds.t()).mul_(logit_scale.exp());
        var logitsPerImage = logitsPerText.t();
        var loss = returnLoss ? ContrastiveLoss(logitsPerText) : null;
        var result = new AltCLIPOutput(loss, logitsPerImage, logitsPerText, textEmbeds, imageEmbeds, textOutput, visionOutput);
        result.MoveToOuterScope();
        return result;
    }

    /// <summary>Text embeddings before normalisation: <c>text_projection(pooler_output)</c> [texts, projection_dim].</summary>
    public Tensor GetTextFeatures(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, Tensor? tokenTypeIds = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var output = text_model.Forward(inputIds, attentionMask, tokenTypeIds, positionIds, null, false, false);
        return text_projection.call(output.PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <summary>Image embeddings before normalisation: <c>visual_projection(post_layernorm(CLS))</c> [images, projection_dim].</summary>
    public Tensor GetImageFeatures(Tensor pixelValues, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var output = vision_model.Forward(PlaceInput(pixelValues), false, false, interpolatePosEncoding);
        return visual_projection.call(output.PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>logits_per_image</c> for features from <see cref="GetImageFeatures"/> and <see cref="GetTextFeatures"/>: both
    /// L2-normalised, dot products scaled by <c>exp(logit_scale)</c> [images, texts]. Lets callers embed images and texts
    /// in separate batches.
    /// </summary>
    public Tensor LogitsPerImage(Tensor imageFeatures, Tensor textFeatures)
    {
        ArgumentNullException.ThrowIfNull(imageFeatures);
        ArgumentNullException.ThrowIfNull(textFeatures);
        using var scope = NewDisposeScope();
        var logitsPerText = matmul(Normalize(textFeatures), Normalize(imageFeatures).t()).mul_(logit_scale.exp());
        return logitsPerText.t().contiguous().MoveToOuterDisposeScope();
    }

    private static Tensor Normalize(Tensor embeds) => embeds / embeds.norm(-1, true, 2);

    // CLIP's loss: mean of the cross-entropies of both orientations against the diagonal.
    private static Tensor ContrastiveLoss(Tensor logitsPerText)
    {
        var targets = arange(logitsPerText.shape[0], ScalarType.Int64, logitsPerText.device);
        var captionLoss = nn.functional.cross_entropy(logitsPerText, targets);
        var imageLoss = nn.functional.cross_entropy(logitsPerText.t(), targets);
        return captionLoss.add_(imageLoss).div_(2.0);
    }
}
