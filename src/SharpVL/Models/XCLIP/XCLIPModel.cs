using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// X-CLIP (<c>XCLIPModel</c>): a CLIP text tower, a cross-frame vision tower, the Multiframe Integration Transformer
/// that turns per-frame features into a video embedding, and the video-specific prompt generator that adapts each
/// text embedding to the video before the cosine similarity.
/// </summary>
public sealed class XCLIPModel : PreTrainedModel<XCLIPConfig>
{
    private readonly XCLIPTextTransformer text_model;
    private readonly XCLIPVisionTransformer vision_model;
    private readonly KernelLinear visual_projection;
    private readonly KernelLinear text_projection;
    private readonly Parameter logit_scale;
    private readonly LayerNorm prompts_visual_layernorm;
    private readonly Parameter prompts_visual_projection;
    private readonly XCLIPMultiframeIntegrationTransformer mit;
    private readonly XCLIPPromptGenerator prompts_generator;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    /// <exception cref="Configuration.ConfigException">A field of the config no model can be built with (see <see cref="Configuration.PretrainedConfig.Validate"/>).</exception>
    public XCLIPModel(XCLIPConfig config) : base(nameof(XCLIPModel), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (text, vision, projection) = (config.TextConfig, config.VisionConfig, config.ProjectionDim);
        text_model = new XCLIPTextTransformer(text);
        vision_model = new XCLIPVisionTransformer(vision);
        visual_projection = new KernelLinear(vision.HiddenSize, projection, hasBias: false);
        text_projection = new KernelLinear(text.HiddenSize, projection, hasBias: false);
        logit_scale = nn.Parameter(tensor((float)config.LogitScaleInitValue));
        prompts_visual_layernorm = nn.LayerNorm(vision.HiddenSize, vision.LayerNormEps);
        prompts_visual_projection = nn.Parameter(randn(vision.HiddenSize, projection) * Math.Pow(vision.HiddenSize, -0.5));
        mit = new XCLIPMultiframeIntegrationTransformer(vision);
        prompts_generator = new XCLIPPromptGenerator(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "x_clip";

    /// <inheritdoc />
    protected override double InitializerRange => Config.TextConfig.InitializerRange;

    /// <summary>Loads a model from a directory or Hub id (<c>model.safetensors</c> or <c>pytorch_model.bin</c>).</summary>
    public static XCLIPModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new XCLIPModel(XCLIPConfig.FromPretrained(dir)));

    /// <summary>Scores every video against every text (Transformers' <c>XCLIPModel.forward</c>).</summary>
    /// <param name="inputIds">[texts, length] token ids.</param>
    /// <param name="pixelValues">[videos, num_frames, channels, H, W] processed frames.</param>
    /// <param name="attentionMask">[texts, length] 1 for tokens, 0 for padding.</param>
    /// <param name="positionIds">[texts or 1, length] text position indices (default 0..length-1).</param>
    /// <param name="returnLoss">Compute the symmetric contrastive loss (needs as many videos as texts).</param>
    /// <param name="outputAttentions">Return every tower's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return every tower's hidden states (default: config).</param>
    /// <param name="interpolatePosEncoding">Resize the vision position table for frames of another size than image_size.</param>
    /// <exception cref="ArgumentException">Inputs of the wrong shape, or a loss requested for unequal video and text counts.</exception>
    public XCLIPOutput Forward(
        Tensor inputIds, Tensor pixelValues, Tensor? attentionMask = null, Tensor? positionIds = null, bool? returnLoss = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var attentions = outputAttentions ?? Config.OutputAttentions;
        var hiddenStates = outputHiddenStates ?? Config.OutputHiddenStates;
        var (visionOutput, mitOutput, promptVisual) = RunVideoPart(pixelValues, attentions, hiddenStates, interpolatePosEncoding);
        var textOutput = text_model.Forward(
            PlaceInput(inputIds), PlaceOptionalInput(attentionMask), PlaceOptionalInput(positionIds), attentions, hiddenStates, DType);
        var textFeatures = text_projection.call(textOutput.PoolerOutput);
        var (logitsPerVideo, textEmbeds, videoEmbeds) = Score(mitOutput.PoolerOutput, promptVisual, textFeatures);
        var logitsPerText = logitsPerVideo.t();
        Tensor? loss = null;
        if (returnLoss == true)
        {
            if (logitsPerText.shape[0] != logitsPerText.shape[1])
            {
                throw new ArgumentException(
                    $"return_loss needs as many videos as texts (got {logitsPerVideo.shape[0]} videos and {logitsPerVideo.shape[1]} texts): " +
                    "the contrastive loss pairs video i with text i.");
            }
            loss = ContrastiveLoss(logitsPerText);
        }
        var result = new XCLIPOutput(loss, logitsPerVideo, logitsPerText, textEmbeds, videoEmbeds, textOutput, visionOutput, mitOutput);
        XCLIPOutputScopes.MoveOnceToOuterScope(result);
        return result;
    }

    /// <summary>
    /// Text features: <c>text_projection</c> of the end-of-text pooled output [texts, projection_dim] (not normalised,
    /// no prompt: the prompt depends on the video, see <see cref="ScoreVideos"/>).
    /// </summary>
    public Tensor GetTextFeatures(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null)
    {
        using var scope = NewDisposeScope();
        var textOutput = text_model.Forward(PlaceInput(inputIds), PlaceOptionalInput(attentionMask), PlaceOptionalInput(positionIds), false, false, DType);
        return text_projection.call(textOutput.PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <summary>Video features: the MIT's mean over frames of the projected CLS features [videos, projection_dim] (not normalised).</summary>
    public Tensor GetVideoFeatures(Tensor pixelValues, bool interpolatePosEncoding = false)
    {
        using var encoding = EncodeVideos(pixelValues, interpolatePosEncoding);
        return encoding.VideoEmbeds.alias();
    }

    /// <summary>
    /// The per-video half of <see cref="Forward"/>: video embeddings and the prompt generator's visual features, to be
    /// scored against any number of text feature sets with <see cref="ScoreVideos"/>.
    /// </summary>
    public XCLIPVideoEncoding EncodeVideos(Tensor pixelValues, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var (_, mitOutput, promptVisual) = RunVideoPart(pixelValues, false, false, interpolatePosEncoding);
        var result = new XCLIPVideoEncoding(mitOutput.PoolerOutput, promptVisual);
        result.MoveToOuterScope();
        return result;
    }

    /// <summary>
    /// Scores encoded videos against text features from <see cref="GetTextFeatures"/> exactly as <see cref="Forward"/>
    /// does (video-specific prompts, L2 normalisation, <c>exp(logit_scale)</c>).
    /// </summary>
    /// <returns><c>logits_per_video</c> [videos, texts].</returns>
    public Tensor ScoreVideos(XCLIPVideoEncoding videos, Tensor textFeatures)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(textFeatures);
        if (textFeatures.dim() != 2 || textFeatures.shape[1] != Config.ProjectionDim)
        {
            throw new ArgumentException(
                $"textFeatures must be [texts, {Config.ProjectionDim}], got [{string.Join(", ", textFeatures.shape)}].", nameof(textFeatures));
        }
        using var scope = NewDisposeScope();
        var (logits, _, _) = Score(videos.VideoEmbeds, videos.PromptVisualFeatures, PlaceInput(textFeatures));
        return logits.MoveToOuterDisposeScope();
    }

    private (BaseModelOutputWithPooling Vision, BaseModelOutputWithPooling Mit, Tensor PromptVisual) RunVideoPart(
        Tensor pixelValues, bool outputAttentions, bool outputHiddenStates, bool interpolatePosEncoding)
    {
        if (pixelValues.dim() != 5)
        {
            throw new ArgumentException(
                $"pixel_values must be [videos, frames, channels, height, width], got [{string.Join(", ", pixelValues.shape)}].", nameof(pixelValues));
        }
        var (videos, frames) = (pixelValues.shape[0], pixelValues.shape[1]);
        if (frames != Config.VisionConfig.NumFrames)
        {
            throw new ArgumentException(
                $"pixel_values has {frames} frames per video but the model was built for num_frames = {Config.VisionConfig.NumFrames}.",
                nameof(pixelValues));
        }
        var flat = PlaceInput(pixelValues).reshape(-1, pixelValues.shape[2], pixelValues.shape[3], pixelValues.shape[4]);
        var vision = vision_model.Forward(flat, outputAttentions, outputHiddenStates, interpolatePosEncoding);
        var frameFeatures = visual_projection.call(vision.PoolerOutput).view(videos, frames, -1);
        var mitOutput = mit.Forward(frameFeatures, outputAttentions, outputHiddenStates);
        var patches = vision.LastHiddenState[TensorIndex.Colon, TensorIndex.Slice(1), TensorIndex.Colon];
        var projected = matmul(prompts_visual_layernorm.call(patches), prompts_visual_projection);
        var promptVisual = projected.view(videos, frames, -1, Config.ProjectionDim).mean([1]);
        return (vision, mitOutput, promptVisual);
    }

    private (Tensor LogitsPerVideo, Tensor TextEmbeds, Tensor VideoEmbeds) Score(Tensor videoFeatures, Tensor promptVisual, Tensor textFeatures)
    {
        var videos = videoFeatures.shape[0];
        var text = textFeatures.unsqueeze(0).expand(videos, -1, -1);
        text = text + prompts_generator.Forward(text, promptVisual);
        var videoEmbeds = videoFeatures / videoFeatures.norm(-1, true, 2);
        var textEmbeds = text / text.norm(-1, true, 2);
        var logits = einsum("bd,bkd->bk", videoEmbeds, logit_scale.exp() * textEmbeds);
        return (logits, textEmbeds, videoEmbeds);
    }

    private static Tensor ContrastiveLoss(Tensor logitsPerText)
    {
        var targets = arange(logitsPerText.shape[0], dtype: ScalarType.Int64, device: logitsPerText.device);
        var captionLoss = nn.functional.cross_entropy(logitsPerText, targets);
        var videoLoss = nn.functional.cross_entropy(logitsPerText.t(), targets);
        return (captionLoss + videoLoss) / 2.0;
    }
}
