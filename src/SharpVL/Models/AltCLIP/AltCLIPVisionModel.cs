using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

/// <summary>AltCLIP's vision tower as a standalone model (<c>AltCLIPVisionModel</c>, weights under <c>vision_model.*</c>).</summary>
public sealed class AltCLIPVisionModel : PreTrainedModel<AltCLIPVisionConfig>
{
    private readonly AltCLIPVisionTransformer vision_model;

    /// <summary>Creates a randomly initialized tower for <paramref name="config"/>.</summary>
    public AltCLIPVisionModel(AltCLIPVisionConfig config) : base(nameof(AltCLIPVisionModel), config)
    {
        vision_model = new AltCLIPVisionTransformer(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "altclip";

    /// <summary>In an <see cref="AltCLIPModel"/> checkpoint the vision tower lives under <c>vision_model</c>.</summary>
    protected override string CompositeTowerKey => "vision_model";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    /// <summary>
    /// Loads the tower from a directory or Hub id: a standalone <c>altclip_vision_model</c> checkpoint or a full
    /// <c>altclip</c> one (its <c>vision_config</c> and the <c>vision_model.*</c> weights; the rest is skipped).
    /// </summary>
    public static AltCLIPVisionModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new AltCLIPVisionModel(AltCLIPVisionConfig.FromPretrained(dir)));

    /// <summary>Encodes images.</summary>
    /// <param name="pixelValues">[B, C, H, W] normalized pixels (from <see cref="Processing.Images.CLIPImageProcessor"/>).</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    /// <param name="interpolatePosEncoding">Resize the position table for images of another resolution than <c>image_size</c>.</param>
    public BaseModelOutputWithPooling Forward(
        Tensor pixelValues, bool? outputAttentions = null, bool? outputHiddenStates = null, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var result = vision_model.Forward(
            PlaceInput(pixelValues), outputAttentions ?? Config.OutputAttentions, outputHiddenStates ?? Config.OutputHiddenStates,
            interpolatePosEncoding);
        result.MoveToOuterScope();
        return result;
    }
}
