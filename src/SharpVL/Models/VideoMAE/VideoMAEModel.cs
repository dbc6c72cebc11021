using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Modeling.ViT;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>The bare VideoMAE encoder (<c>VideoMAEModel</c>): tubelet embeddings, fixed positions, pre-LN transformer.</summary>
public sealed class VideoMAEModel : VideoMAEPreTrainedModel
{
    private readonly VideoMAEEmbeddings embeddings;
    private readonly ViTEncoder encoder;
    private readonly LayerNorm? layernorm;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public VideoMAEModel(VideoMAEConfig config) : base(nameof(VideoMAEModel), config)
    {
        embeddings = new VideoMAEEmbeddings(config);
        encoder = new ViTEncoder(EncoderLayerSettings(config), config.NumHiddenLayers);
        // With mean pooling the classifier normalizes the pooled tokens instead, so there is no final norm.
        layernorm = config.UseMeanPooling ? null : nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Loads a model from a directory or Hub id (a <c>VideoMAEFor*</c> checkpoint works too: its head is ignored).</summary>
    public static VideoMAEModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new VideoMAEModel(ConfigJson.Load<VideoMAEConfig>(dir)));

    /// <summary>Encodes a batch of clips.</summary>
    /// <param name="pixelValues">[batch, num_frames, channels, height, width] normalized pixels.</param>
    /// <param name="boolMaskedPos">[batch, tokens] true for tokens to drop (same count per sample); only visible tokens are encoded.</param>
    /// <param name="headMask">[heads] or [layers, heads] multipliers of the attention probabilities.</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    public BaseModelOutput Forward(
        Tensor pixelValues, Tensor? boolMaskedPos = null, Tensor? headMask = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        using var scope = NewDisposeScope();
        var hidden = embeddings.Forward(PlaceInput(pixelValues), PlaceOptionalInput(boolMaskedPos));
        var headMasks = AttentionKernels.PerLayerHeadMask(PlaceOptionalInput(headMask), Config.NumHiddenLayers, hidden.dtype);
        var encoded = encoder.Forward(
            hidden, null, headMasks, outputAttentions ?? Config.OutputAttentions, outputHiddenStates ?? Config.OutputHiddenStates);
        var result = layernorm is null ? encoded : encoded with { LastHiddenState = layernorm.call(encoded.LastHiddenState) };
        result.MoveToOuterScope();
        return result;
    }
}
