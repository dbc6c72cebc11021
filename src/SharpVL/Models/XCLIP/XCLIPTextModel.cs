using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>X-CLIP's text tower on its own (<c>XCLIPTextModel</c>; weights under <c>text_model.*</c>).</summary>
public sealed class XCLIPTextModel : PreTrainedModel<XCLIPTextConfig>
{
    private readonly XCLIPTextTransformer text_model;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public XCLIPTextModel(XCLIPTextConfig config) : base(nameof(XCLIPTextModel), config)
    {
        text_model = new XCLIPTextTransformer(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "x_clip";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    /// <summary>In an <see cref="XCLIPModel"/> checkpoint this tower lives under <c>text_model</c>.</summary>
    protected override string CompositeTowerKey => "text_model";

    /// <summary>
    /// Loads the text tower from a directory or Hub id: a stand-alone text checkpoint or a full X-CLIP directory
    /// (its <c>text_config</c> and <c>text_model.*</c> weights).
    /// </summary>
    public static XCLIPTextModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new XCLIPTextModel(XCLIPTextConfig.FromPretrained(dir)));

    /// <summary>Encodes token ids.</summary>
    /// <param name="inputIds">[batch, length] token ids (the end-of-text token must be the largest id, as in CLIP's vocabulary).</param>
    /// <param name="attentionMask">[batch, length] 1 for tokens, 0 for padding.</param>
    /// <param name="positionIds">[batch or 1, length] position indices (default 0..length-1).</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    public BaseModelOutputWithPooling Forward(
        Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        using var scope = NewDisposeScope();
        var result = text_model.Forward(
            PlaceInput(inputIds), PlaceOptionalInput(attentionMask), PlaceOptionalInput(positionIds), outputAttentions ?? Config.OutputAttentions,
            outputHiddenStates ?? Config.OutputHiddenStates, DType);
        XCLIPOutputScopes.MoveOnceToOuterScope(result);
        return result;
    }
}
