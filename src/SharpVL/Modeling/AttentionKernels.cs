using SharpVL.Runtime.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>
/// Scaled dot-product attention over [batch, heads, tokens, head_dim] tensors. In CPU inference (no gradient recorded)
/// it runs on the backend <see cref="AttentionBackends"/> chooses for the dtype (SharpVL's native AVX-512 kernel where
/// the probe found it faster); otherwise, and whenever the caller needs the probabilities or a head mask, on libtorch
/// (its fused kernel, or the explicit products when probabilities or a head mask are needed).
/// </summary>
public static class AttentionKernels
{
    /// <summary>Computes <c>softmax(q kᵀ · scale + mask) · v</c>; returns the context and, if requested, the probabilities.</summary>
    /// <param name="query">Queries [B, H, Tq, D].</param>
    /// <param name="key">Keys [B, H, Tk, D].</param>
    /// <param name="value">Values [B, H, Tk, D].</param>
    /// <param name="scale">Score scale; null means 1/√D.</param>
    /// <param name="additiveMask">Added to the scores (broadcast to [B, H, Tq, Tk]); large negative values mask.</param>
    /// <param name="headMask">Multiplies the probabilities per head ([H] or broadcastable to [B, H, Tq, Tk]).</param>
    /// <param name="returnProbabilities">Whether to return the attention probabilities.</param>
    /// <param name="dropout">
    /// Dropout probability on the attention probabilities (applied before the head mask, as Transformers does); the
    /// caller passes 0 outside training.
    /// </param>
    public static (Tensor Context, Tensor? Probabilities) Attend(
        Tensor query, Tensor key, Tensor value, double? scale = null, Tensor? additiveMask = null,
        Tensor? headMask = null, bool returnProbabilities = false, double dropout = 0)
    {
        var headDim = query.shape[^1];
        var defaultScale = 1.0 / Math.Sqrt(headDim);
        if (!returnProbabilities && headMask is null)
        {
            if (dropout == 0 && !is_grad_enabled() && query.device_type == DeviceType.CPU &&
                AttentionBackends.For(query.dtype) == AttentionBackend.Native &&
                NativeAttention.TryAttend(query, key, value, scale ?? defaultScale, additiveMask) is Tensor native)
            {
                return (native, null);
            }
            if (scale is double s && Math.Abs(s - defaultScale) > 1e-12 * defaultScale)
            {
                using var rescaled = query * (s / defaultScale);
                return (nn.functional.scaled_dot_product_attention(rescaled, key, value, additiveMask, dropout), null);
            }
            return (nn.functional.scaled_dot_product_attention(query, key, value, additiveMask, dropout), null);
        }
        using var keyT = key.transpose(-1, -2);
        using var raw = matmul(query, keyT);
        using var scores = raw.mul_(scale ?? defaultScale);
        if (additiveMask is not null)
        {
            scores.add_(additiveMask);
        }
        var probabilities = scores.softmax(-1);
        if (dropout > 0)
        {
            var dropped = nn.functional.dropout(probabilities, dropout, training: true);
            probabilities.Dispose();
            probabilities = dropped;
        }
        if (headMask is not null)
        {
            var masked = probabilities * headMask;
            probabilities.Dispose();
            probabilities = masked;
        }
        var context = matmul(probabilities, value);
        if (returnProbabilities)
        {
            return (context, probabilities);
        }
        probabilities.Dispose();
        return (context, null);
    }

    /// <summary>
    /// Normalizes a <c>head_mask</c> as Transformers' <c>get_head_mask</c> does: [heads] or [layers, heads] becomes
    /// one [1, heads, 1, 1] mask per layer (null entries when no mask was given).
    /// </summary>
    public static Tensor?[] PerLayerHeadMask(Tensor? headMask, int numLayers, ScalarType dtype)
    {
        var masks = new Tensor?[numLayers];
        if (headMask is null)
        {
            return masks;
        }
        if (headMask.dim() == 1)
        {
            for (var i = 0; i < numLayers; i++)
            {
                masks[i] = headMask.to(dtype).view(1, -1, 1, 1);
            }
            return masks;
        }
        if (headMask.dim() != 2 || headMask.shape[0] != numLayers)
        {
            throw new ArgumentException(
                $"head_mask must have shape [num_heads] or [{numLayers}, num_heads], got [{string.Join(", ", headMask.shape)}].",
                nameof(headMask));
        }
        for (var i = 0; i < numLayers; i++)
        {
            masks[i] = headMask[i].to(dtype).view(1, -1, 1, 1);
        }
        return masks;
    }
}
