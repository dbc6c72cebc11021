namespace SharpVL.Runtime.Kernels;

/// <summary>What computes <c>softmax(q·kᵀ·scale + mask)·v</c> on the CPU in inference (training always uses libtorch).</summary>
public enum AttentionBackend
{
    /// <summary>libtorch's fused <c>scaled_dot_product_attention</c>: every device and dtype.</summary>
    Libtorch,

    /// <summary>
    /// SharpVL's AVX-512 kernel (<c>libsharpvl_attention.so</c>, built from <c>Runtime/Kernels/Native</c>): float32
    /// (exact products and sums) on AVX-512F CPUs, bfloat16 (bf16 products, float32 accumulation and softmax) on
    /// AVX512-BF16 CPUs.
    /// </summary>
    Native,
}
