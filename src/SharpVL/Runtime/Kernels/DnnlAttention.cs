using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Exact float32 attention on <see cref="DnnlSgemm"/>, one (batch, head) at a time: the scores of one head
/// [Tq, Tk] are the only intermediate (softmax by libtorch), Q, K and V are read in place through their strides and the
/// context is written straight into [B, Tq, H, D], the layout the output projection reads.
/// </summary>
internal static class DnnlAttention
{
    /// <summary>Whether the tensors suit the kernel: float32 CPU [B, H, T, D] with unit stride along D.</summary>
    internal static bool Supports(Tensor query, Tensor key, Tensor value, Tensor? additiveMask) =>
        query.dim() == 4 && key.dim() == 4 && value.dim() == 4
        && query.stride(3) == 1 && key.stride(3) == 1 && value.stride(3) == 1
        && key.dtype == ScalarType.Float32 && value.dtype == ScalarType.Float32
        && (additiveMask is null || additiveMask.dtype == ScalarType.Float32);

    /// <summary><c>softmax(q kᵀ · scale + mask) · v</c>, returned as a [B, H, Tq, D] view of a [B, Tq, H, D] tensor.</summary>
    internal static Tensor Attend(Tensor query, Tensor key, Tensor value, double scale, Tensor? additiveMask)
    {
        Fp32Kernels.Count(Fp32Kernel.DnnlSgemm);
        var (batch, heads, queries, depth) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3]);
        var keys = key.shape[2];
        var output = empty([batch, queries, heads, depth], dtype: ScalarType.Float32);
        using var scores = empty([queries, keys], dtype: ScalarType.Float32);
        using var mask = additiveMask?.expand(batch, heads, queries, keys);
        var (q0, k0, v0, o0, s0) = (
            NativeTensorMemory.DataPointer(query), NativeTensorMemory.DataPointer(key), NativeTensorMemory.DataPointer(value),
            NativeTensorMemory.DataPointer(output), NativeTensorMemory.DataPointer(scores));
        for (long b = 0; b < batch; b++)
        {
            for (long h = 0; h < heads; h++)
            {
                var q = q0 + (nint)(((b * query.stride(0)) + (h * query.stride(1))) * sizeof(float));
                var k = k0 + (nint)(((b * key.stride(0)) + (h * key.stride(1))) * sizeof(float));
                var v = v0 + (nint)(((b * value.stride(0)) + (h * value.stride(1))) * sizeof(float));
                var o = o0 + (nint)((((b * queries * heads) + h) * depth) * sizeof(float));
                DnnlSgemm.Gemm(false, true, queries, keys, depth, (float)scale, q, query.stride(2), k, key.stride(2), 0f, s0, keys);
                if (mask is not null)
                {
                    using var headMask = mask[b, h];
                    scores.add_(headMask);
                }
                using var probabilities = scores.softmax(-1);
                DnnlSgemm.Gemm(false, false, queries, depth, keys, 1f, NativeTensorMemory.DataPointer(probabilities), keys,
                    v, value.stride(2), 0f, o, heads * depth);
            }
        }
        return output.permute(0, 2, 1, 3);
    }
}
