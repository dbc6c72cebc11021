using SharpVL.Modeling;
using SharpVL.Modeling.Roberta;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// AltCLIP's text tower (<c>AltCLIPTextModel</c>): a post-LN XLM-R encoder (<c>roberta</c>, no pooler), then
/// <c>pre_LN</c> and the <c>transformation</c> projection to <c>project_dim</c>; the text is represented by token 0 of
/// that projection state.
/// </summary>
public sealed class AltCLIPTextModel : PreTrainedModel<AltCLIPTextConfig>
{
    private readonly RobertaBackbone roberta;
    private readonly KernelLinear transformation;
    private readonly LayerNorm pre_LN;

    /// <summary>Creates a randomly initialized tower for <paramref name="config"/>.</summary>
    public AltCLIPTextModel(AltCLIPTextConfig config) : base(nameof(AltCLIPTextModel), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        roberta = new RobertaBackbone(new RobertaSettings(
            config.VocabSize, config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize,
            config.HiddenAct, config.MaxPositionEmbeddings, config.TypeVocabSize, config.LayerNormEps, config.PadTokenId ?? 1,
            config.HiddenDropoutProb, config.AttentionProbsDropoutProb));
        transformation = new KernelLinear(config.HiddenSize, config.ProjectDim);
        pre_LN = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "altclip";

    /// <summary>In an <see cref="AltCLIPModel"/> checkpoint the text tower lives under <c>text_model</c>.</summary>
    protected override string CompositeTowerKey => "text_model";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    /// <summary>
    /// Loads the tower from a directory or Hub id: either a standalone <c>altclip_text_model</c> checkpoint or a full
    /// <c>altclip</c> one (its <c>text_config</c> and the <c>text_model.*</c> weights; the rest is skipped).
    /// Transformers 4.27.1 cannot do the latter (it silently keeps random weights); SharpVL loads it correctly.
    /// </summary>
    public static AltCLIPTextModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new AltCLIPTextModel(AltCLIPTextConfig.FromPretrained(dir)));

    /// <summary>Encodes token ids (from <see cref="AltCLIPProcessor"/> / the XLM-R tokenizer).</summary>
    /// <param name="inputIds">Token ids [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, T] (default: all 1).</param>
    /// <param name="tokenTypeIds">Segment ids [B, T] (default: 0).</param>
    /// <param name="positionIds">Position ids [B, T] (default: <c>cumsum(ids ≠ pad) · (ids ≠ pad) + pad</c>).</param>
    /// <param name="headMask">[heads] or [layers, heads] multipliers of the attention probabilities.</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return RoBERTa's embeddings and layer outputs (default: config).</param>
    public BaseModelOutputWithPooling Forward(
        Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null, Tensor? positionIds = null,
        Tensor? headMask = null, bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var encoded = roberta.Forward(
            PlaceInput(inputIds), PlaceOptionalInput(attentionMask), PlaceOptionalInput(tokenTypeIds), PlaceOptionalInput(positionIds),
            PlaceOptionalInput(headMask),
            outputAttentions ?? Config.OutputAttentions, outputHiddenStates ?? Config.OutputHiddenStates);
        var projectionState = transformation.call(pre_LN.call(encoded.LastHiddenState));
        var pooled = projectionState[TensorIndex.Colon, 0, TensorIndex.Colon];
        var result = new BaseModelOutputWithPooling(projectionState, pooled, encoded.HiddenStates, encoded.Attentions);
        result.MoveToOuterScope();
        return result;
    }
}
