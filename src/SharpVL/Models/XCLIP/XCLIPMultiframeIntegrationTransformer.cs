using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// The Multiframe Integration Transformer (<c>mit</c>): projected per-frame CLS features plus a learned frame
/// position, a CLIP encoder (vision activation and eps, MIT widths), the input added back (without the position
/// embedding), and the mean over frames as the video embedding.
/// </summary>
internal sealed class XCLIPMultiframeIntegrationTransformer : nn.Module
{
    private readonly Parameter position_embedding;
    private readonly CLIPEncoder encoder;
    private readonly int _numFrames;
    private readonly int _width;

    public XCLIPMultiframeIntegrationTransformer(XCLIPVisionConfig config) : base(nameof(XCLIPMultiframeIntegrationTransformer))
    {
        _numFrames = config.NumFrames;
        _width = config.MitHiddenSize;
        position_embedding = nn.Parameter(randn(1, config.NumFrames, config.MitHiddenSize) * config.InitializerFactor);
        encoder = new CLIPEncoder(
            new CLIPLayerSettings(config.MitHiddenSize, config.MitNumAttentionHeads, config.MitIntermediateSize, config.HiddenAct, config.LayerNormEps,
                config.AttentionDropout),
            config.MitNumHiddenLayers);
        RegisterComponents();
    }

    /// <summary>Integrates [videos, frames, mit_hidden_size] frame features; tensors are created in the caller's scope.</summary>
    public BaseModelOutputWithPooling Forward(Tensor frameFeatures, bool outputAttentions, bool outputHiddenStates)
    {
        if (frameFeatures.dim() != 3 || frameFeatures.shape[1] != _numFrames || frameFeatures.shape[2] != _width)
        {
            throw new ArgumentException(
                $"The MIT expects [videos, {_numFrames} frames, {_width}] features, got [{string.Join(", ", frameFeatures.shape)}] " +
                "(num_frames and mit_hidden_size come from vision_config).");
        }
        var encoded = encoder.Forward(frameFeatures + position_embedding, null, outputAttentions, outputHiddenStates);
        var last = encoded.LastHiddenState + frameFeatures;
        return new BaseModelOutputWithPooling(last, last.mean([1]), encoded.HiddenStates, encoded.Attentions);
    }
}
