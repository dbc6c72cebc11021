using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>X-CLIP's cross-frame vision tower on its own (<c>XCLIPVisionModel</c>; weights under <c>vision_model.*</c>).</summary>
public sealed class XCLIPVisionModel : PreTrainedModel<XCLIPVisionConfig>
{
    private readonly XCLIPVisionTransformer vision_model;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public XCLIPVisionModel(XCLIPVisionConfig config) : base(nameof(XCLIPVisionModel), config)
    {
        vision_model = new XCLIPVisionTransformer(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "x_clip";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    /// <summary>In an <see cref="XCLIPModel"/> checkpoint this tower lives under <c>vision_model</c>.</summary>
    protected override string CompositeTowerKey => "vision_model";

    /// <summary>
    /// Loads the vision tower from a directory or Hub id: a stand-alone vision checkpoint or a full X-CLIP directory
    /// (its <c>vision_config</c> and <c>vision_model.*</c> weights).
    /// </summary>
    public static XCLIPVisionModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new XCLIPVisionModel(XCLIPVisionConfig.FromPretrained(dir)));

    /// <summary>Encodes frames.</summary>
    /// <param name="pixelValues">[videos·num_frames, channels, H, W]: the frames of each video in order (the frame count must be a multiple of num_frames).</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities over tokens + message (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    /// <param name="interpolatePosEncoding">Bicubically resize the position table for frames of another size than image_size.</param>
    public BaseModelOutputWithPooling Forward(
        Tensor pixelValues, bool? outputAttentions = null, bool? outputHiddenStates = null, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var result = vision_model.Forward(
            PlaceInput(pixelValues), outputAttentions ?? Config.OutputAttentions, outputHiddenStates ?? Config.OutputHiddenStates,
            interpolatePosEncoding);
        XCLIPOutputScopes.MoveOnceToOuterScope(result);
        return result;
    }
}
