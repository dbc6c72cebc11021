using SharpVL.Modeling;
using SharpVL.Modeling.ViT;

namespace SharpVL.Models.VideoMAE;

/// <summary>Shared base of the VideoMAE models: config, <c>videomae</c> prefix, weight initialization.</summary>
public abstract class VideoMAEPreTrainedModel : PreTrainedModel<VideoMAEConfig>
{
    /// <summary>Creates the shell for <paramref name="config"/>.</summary>
    protected VideoMAEPreTrainedModel(string name, VideoMAEConfig config) : base(name, config)
    {
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "videomae";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    internal static ViTLayerSettings EncoderLayerSettings(VideoMAEConfig config) => new(
        config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.HiddenAct, config.LayerNormEps,
        config.QkvBias ? QkvBiasStyle.SeparateQueryValueBias : QkvBiasStyle.None,
        config.HiddenDropoutProb, config.AttentionProbsDropoutProb);

    internal static ViTLayerSettings DecoderLayerSettings(VideoMAEConfig config) => new(
        config.DecoderHiddenSize, config.DecoderNumAttentionHeads, config.DecoderIntermediateSize, config.HiddenAct,
        config.LayerNormEps, config.QkvBias ? QkvBiasStyle.SeparateQueryValueBias : QkvBiasStyle.None,
        config.HiddenDropoutProb, config.AttentionProbsDropoutProb);
}
