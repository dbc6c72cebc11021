using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// X-CLIP's vision tower (<c>vision_model</c>, the original <c>CrossFrameCommunicationTransformer</c>): CLIP patch
/// embeddings, <c>pre_layernorm</c>, cross-frame layers, and <c>pooler_output = post_layernorm(CLS)</c>
/// (<c>last_hidden_state</c> itself is not normalised).
/// </summary>
internal sealed class XCLIPVisionTransformer : nn.Module
{
    private readonly CLIPVisionEmbeddings embeddings;
    private readonly LayerNorm pre_layernorm;
    private readonly XCLIPVisionEncoder encoder;
    private readonly LayerNorm post_layernorm;
    private readonly int _numFrames;
    private readonly int _channels;

    public XCLIPVisionTransformer(XCLIPVisionConfig config) : base(nameof(XCLIPVisionTransformer))
    {
        _numFrames = config.NumFrames;
        _channels = config.NumChannels;
        embeddings = new CLIPVisionEmbeddings(config.HiddenSize, config.ImageSize, config.PatchSize, config.NumChannels);
        pre_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        encoder = new XCLIPVisionEncoder(config);
        post_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the tower on frames [videos·frames, channels, H, W]; tensors are created in the caller's scope.</summary>
    public BaseModelOutputWithPooling Forward(Tensor pixelValues, bool outputAttentions, bool outputHiddenStates, bool interpolatePosEncoding)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        if (pixelValues.dim() != 4 || pixelValues.shape[1] != _channels)
        {
            throw new ArgumentException(
                $"pixel_values must be [videos*frames, {_channels}, height, width], got [{string.Join(", ", pixelValues.shape)}].",
                nameof(pixelValues));
        }
        if (pixelValues.shape[0] == 0 || pixelValues.shape[0] % _numFrames != 0)
        {
            throw new ArgumentException(
                $"pixel_values holds {pixelValues.shape[0]} frames, which is not a positive multiple of num_frames ({_numFrames}): " +
                "the cross-frame messages are exchanged between the num_frames frames of each video.",
                nameof(pixelValues));
        }
        var hidden = pre_layernorm.call(embeddings.Forward(pixelValues, interpolatePosEncoding));
        var encoded = encoder.Forward(hidden, outputAttentions, outputHiddenStates);
        var last = encoded.LastHiddenState;
        var pooled = post_layernorm.call(last[TensorIndex.Colon, 0, TensorIndex.Colon]);
        return new BaseModelOutputWithPooling(last, pooled, encoded.HiddenStates, encoded.Attentions);
    }
}
