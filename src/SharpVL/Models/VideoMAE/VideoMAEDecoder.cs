using SharpVL.Modeling;
using SharpVL.Modeling.ViT;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>The pre-training decoder: ViT layers (<c>decoder_layers</c>), a LayerNorm and a pixel head.</summary>
public sealed class VideoMAEDecoder : nn.Module, IGradientCheckpointable
{
    private readonly ModuleList<ViTLayer> decoder_layers;
    private readonly LayerNorm norm;
    private readonly KernelLinear? head;

    /// <summary>Creates the decoder for <paramref name="config"/>.</summary>
    public VideoMAEDecoder(VideoMAEConfig config) : base(nameof(VideoMAEDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = VideoMAEPreTrainedModel.DecoderLayerSettings(config);
        decoder_layers = nn.ModuleList(Enumerable.Range(0, config.DecoderNumHiddenLayers).Select(_ => new ViTLayer(settings)).ToArray());
        // nn.LayerNorm default eps (1e-5): the reference does not pass config.layer_norm_eps here.
        norm = nn.LayerNorm(config.DecoderHiddenSize);
        var pixelsPerToken = config.NumChannels * config.TubeletSize * config.PatchSize * config.PatchSize;
        head = pixelsPerToken > 0 ? new KernelLinear(config.DecoderHiddenSize, pixelsPerToken) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>Decodes the full token sequence and predicts pixels for its last <paramref name="returnTokenCount"/> tokens.</summary>
    public VideoMAEDecoderOutput Forward(Tensor hiddenStates, long returnTokenCount, bool outputAttentions = false, bool outputHiddenStates = false)
    {
        using var scope = NewDisposeScope();
        var decoded = EncoderLoop.Run(decoder_layers, hiddenStates, null, null, outputAttentions, outputHiddenStates, GradientCheckpointing);
        var last = decoded.LastHiddenState;
        if (returnTokenCount > 0)
        {
            last = last[TensorIndex.Colon, TensorIndex.Slice(-returnTokenCount)];
        }
        var normalized = norm.call(last);
        var logits = head is null ? normalized : head.call(normalized);
        var result = new VideoMAEDecoderOutput(logits, decoded.HiddenStates, decoded.Attentions);
        result.MoveToOuterScope();
        return result;
    }
}
