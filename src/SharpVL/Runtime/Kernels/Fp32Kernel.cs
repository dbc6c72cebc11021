namespace SharpVL.Runtime.Kernels;

/// <summary>An exact float32 matrix-product kernel SharpVL can run Linear layers and attention products on (CPU).</summary>
public enum Fp32Kernel
{
    /// <summary>libtorch's own <c>linear</c>/<c>matmul</c> (MKL or its bundled BLAS): always available, every device.</summary>
    Libtorch,

    /// <summary>
    /// oneDNN's inner product inside libtorch (<c>aten::mkldnn_linear</c>, reached through TorchScript), with each weight
    /// kept as a oneDNN tensor. Linear layers only; attention products stay on libtorch.
    /// </summary>
    OneDnn,

    /// <summary>
    /// oneDNN's row-major <c>dnnl_sgemm</c> from the system's oneDNN library (Debian <c>libdnnl2</c>), called on the
    /// tensors' memory: Linear layers and the attention products (per head, on strided views, no copies).
    /// </summary>
    DnnlSgemm,
}
