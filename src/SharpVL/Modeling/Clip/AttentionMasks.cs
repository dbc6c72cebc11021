using static TorchSharp.torch;

namespace SharpVL.Modeling.Clip;

/// <summary>Additive attention masks as Transformers builds them (masked positions get the dtype's minimum).</summary>
public static class AttentionMasks
{
    /// <summary>
    /// Expands a [B, S] 0/1 padding mask to an additive [B, 1, T, S] mask: <c>(1 − m) · finfo(dtype).min</c>
    /// (Transformers' <c>_expand_mask</c>).
    /// </summary>
    public static Tensor ExpandPadding(Tensor attentionMask, ScalarType dtype, long? targetLength = null)
    {
        ArgumentNullException.ThrowIfNull(attentionMask);
        var (batch, source) = (attentionMask.shape[0], attentionMask.shape[1]);
        var target = targetLength ?? source;
        using var scope = NewDisposeScope();
        var expanded = attentionMask.view(batch, 1, 1, source).expand(batch, 1, target, source).to(dtype);
        var inverted = 1.0 - expanded;
        var masked = inverted.masked_fill(inverted.to(ScalarType.Bool), MinValue(dtype));
        return masked.MoveToOuterDisposeScope();
    }

    /// <summary>A [B, 1, T, T] causal mask: 0 on and below the diagonal, <c>finfo(dtype).min</c> above.</summary>
    public static Tensor Causal(long batch, long length, ScalarType dtype, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var mask = full(length, length, MinValue(dtype), dtype: dtype, device: device).triu_(1);
        return mask.view(1, 1, length, length).expand(batch, 1, length, length).MoveToOuterDisposeScope();
    }

    /// <summary>The most negative finite value of <paramref name="dtype"/> (<c>torch.finfo(dtype).min</c>).</summary>
    public static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => float.MinValue,
    };
}
