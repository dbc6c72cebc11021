using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// AltCLIP's vision tower (<c>AltCLIPVisionTransformer</c>): CLIP embeddings, <c>pre_layrnorm</c> (sic, the checkpoint
/// name), a pre-LN CLIP encoder, and <c>post_layernorm</c> applied to the CLS token only.
/// </summary>
public sealed class AltCLIPVisionTransformer : nn.Module
{
    private readonly CLIPVisionEmbeddings embeddings;
    private readonly LayerNorm pre_layrnorm;
    private readonly CLIPEncoder encoder;
    private readonly LayerNorm post_layernorm;

    /// <summary>Creates the tower for <paramref name="config"/>.</summary>
    public AltCLIPVisionTransformer(AltCLIPVisionConfig config) : base(nameof(AltCLIPVisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        embeddings = new CLIPVisionEmbeddings(config.HiddenSize, config.ImageSize, config.PatchSize, config.NumChannels);
        pre_layrnorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        encoder = new CLIPEncoder(
            new CLIPLayerSettings(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.HiddenAct, config.LayerNormEps,
                config.AttentionDropout),
            config.NumHiddenLayers);
        post_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Encodes images; every returned tensor belongs to the caller's dispose scope.</summary>
    /// <param name="pixelValues">[B, C, H, W] normalized pixels.</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities.</param>
    /// <param name="outputHiddenStates">Return the (pre-LN'd) embeddings and each layer's output.</param>
    /// <param name="interpolatePosEncoding">Resize the position table bicubically for inputs of another resolution.</param>
    public BaseModelOutputWithPooling Forward(Tensor pixelValues, bool outputAttentions, bool outputHiddenStates, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        var dtype = post_layernorm.weight!.dtype;
        var hidden = pre_layrnorm.call(embeddings.Forward(pixelValues.to(dtype), interpolatePosEncoding));
        var encoded = encoder.Forward(hidden, null, outputAttentions, outputHiddenStates);
        var cls = encoded.LastHiddenState[TensorIndex.Colon, 0, TensorIndex.Colon];
        return new BaseModelOutputWithPooling(encoded.LastHiddenState, post_layernorm.call(cls), encoded.HiddenStates, encoded.Attentions);
    }
}
