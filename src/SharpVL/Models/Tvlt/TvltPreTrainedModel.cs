using SharpVL.Modeling;
using SharpVL.Modeling.ViT;

namespace SharpVL.Models.Tvlt;

/// <summary>Shared base of the TVLT models: config, <c>tvlt</c> prefix, weight initialization.</summary>
public abstract class TvltPreTrainedModel : PreTrainedModel<TvltConfig>
{
    /// <summary>Creates the shell for <paramref name="config"/>.</summary>
    protected TvltPreTrainedModel(string name, TvltConfig config) : base(name, config)
    {
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "tvlt";

    /// <inheritdoc />
    protected override double InitializerRange => Config.InitializerRange;

    internal static ViTLayerSettings EncoderLayerSettings(TvltConfig config) => new(
        config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.HiddenAct, config.LayerNormEps,
        config.QkvBias ? QkvBiasStyle.LinearBias : QkvBiasStyle.None,
        config.HiddenDropoutProb, config.AttentionProbsDropoutProb);

    internal static ViTLayerSettings DecoderLayerSettings(TvltConfig config) => new(
        config.DecoderHiddenSize, config.DecoderNumAttentionHeads, config.DecoderIntermediateSize, config.HiddenAct, config.LayerNormEps,
        config.QkvBias ? QkvBiasStyle.LinearBias : QkvBiasStyle.None,
        config.HiddenDropoutProb, config.AttentionProbsDropoutProb);
}
