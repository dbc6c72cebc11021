namespace SharpVL.Modeling.ViT;

/// <summary>Shape of one pre-LayerNorm ViT-style transformer layer, as VideoMAE and TVLT configure theirs.</summary>
/// <param name="HiddenSize">Token width.</param>
/// <param name="NumAttentionHeads">Attention heads (must divide the width).</param>
/// <param name="IntermediateSize">Feed-forward width.</param>
/// <param name="HiddenAct">Feed-forward activation name (<c>hidden_act</c>).</param>
/// <param name="LayerNormEps">Epsilon of <c>layernorm_before</c>/<c>layernorm_after</c>.</param>
/// <param name="Bias">How query/key/value carry biases.</param>
/// <param name="HiddenDropout">Dropout after the attention output and feed-forward projections (<c>hidden_dropout_prob</c>), in training only.</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities (<c>attention_probs_dropout_prob</c>), in training only.</param>
public sealed record ViTLayerSettings(
    int HiddenSize, int NumAttentionHeads, int IntermediateSize, string HiddenAct, double LayerNormEps, QkvBiasStyle Bias,
    double HiddenDropout = 0, double AttentionDropout = 0);

/// <summary>Where the projection biases of self-attention live.</summary>
public enum QkvBiasStyle
{
    /// <summary>No biases at all.</summary>
    None,

    /// <summary>Each of query/key/value is a Linear with its own bias (ViT, TVLT).</summary>
    LinearBias,

    /// <summary>Bias-free Linears plus separate <c>q_bias</c>/<c>v_bias</c> parameters, key bias fixed at zero (VideoMAE, BEiT).</summary>
    SeparateQueryValueBias,
}
