using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Row-major float32 GEMM from the system's oneDNN (<c>libdnnl.so.2</c>, Debian's <c>libdnnl2</c>):
/// <c>C = alpha·op(A)·op(B) + beta·C</c> on raw CPU memory, any leading dimensions. Exact float32 arithmetic
/// (only the summation order differs from libtorch's).
/// </summary>
internal static partial class DnnlSgemm
{
    private const string Library = "libdnnl.so.2";

    private static readonly Lazy<bool> Loadable = new(() => NativeLibrary.TryLoad(Library, out _));

    /// <summary>Whether the library can be loaded on this machine.</summary>
    internal static bool IsAvailable => Loadable.Value;

    [LibraryImport(Library, EntryPoint = "dnnl_sgemm")]
    private static partial int NativeSgemm(
        byte transA, byte transB, long m, long n, long k, float alpha, IntPtr a, long lda, IntPtr b, long ldb, float beta, IntPtr c, long ldc);

    /// <summary>Calls <c>dnnl_sgemm</c>; throws when oneDNN reports an error.</summary>
    internal static void Gemm(
        bool transA, bool transB, long m, long n, long k, float alpha, IntPtr a, long lda, IntPtr b, long ldb, float beta, IntPtr c, long ldc)
    {
        var status = NativeSgemm(transA ? (byte)'T' : (byte)'N', transB ? (byte)'T' : (byte)'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (status != 0)
        {
            throw new InvalidOperationException($"dnnl_sgemm failed with oneDNN status {status} (m={m}, n={n}, k={k}).");
        }
    }

    /// <summary><c>x·wᵀ + b</c> for contiguous float32 CPU tensors x [..., in], w [out, in], b [out].</summary>
    internal static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        using var x = input.contiguous();
        using var w = weight.contiguous();
        var inFeatures = w.shape[1];
        var outFeatures = w.shape[0];
        var rows = x.numel() / inFeatures;
        long[] shape = [.. x.shape[..^1], outFeatures];
        // A fresh tensor every time: expand(...).contiguous() of a one-row output would alias the bias itself, and the
        // GEMM (beta = 1) would then accumulate into the layer's parameter.
        var output = empty(shape, dtype: ScalarType.Float32);
        if (bias is not null)
        {
            output.copy_(bias.expand(shape));
        }
        if (rows > 0)
        {
            Gemm(false, true, rows, outFeatures, inFeatures, 1f, NativeTensorMemory.DataPointer(x), inFeatures,
                NativeTensorMemory.DataPointer(w), inFeatures, bias is null ? 0f : 1f, NativeTensorMemory.DataPointer(output), outFeatures);
        }
        return output;
    }

    /// <summary>
    /// The input gradient of a Linear layer, <c>g·w</c> [rows, in], for contiguous float32 CPU tensors g [rows, out]
    /// and w [out, in].
    /// </summary>
    internal static Tensor InputGradient(Tensor gradOutput, Tensor weight)
    {
        var (rows, outFeatures, inFeatures) = (gradOutput.shape[0], weight.shape[0], weight.shape[1]);
        var result = empty([rows, inFeatures], dtype: ScalarType.Float32);
        if (rows > 0)
        {
            Gemm(false, false, rows, inFeatures, outFeatures, 1f, NativeTensorMemory.DataPointer(gradOutput), outFeatures,
                NativeTensorMemory.DataPointer(weight), inFeatures, 0f, NativeTensorMemory.DataPointer(result), inFeatures);
        }
        return result;
    }

    /// <summary>
    /// The weight gradient of a Linear layer, <c>gᵀ·x</c> [out, in], for contiguous float32 CPU tensors g [rows, out]
    /// and x [rows, in] (zeros when there are no rows).
    /// </summary>
    internal static Tensor WeightGradient(Tensor gradOutput, Tensor input)
    {
        var (rows, outFeatures, inFeatures) = (gradOutput.shape[0], gradOutput.shape[1], input.shape[1]);
        if (rows == 0)
        {
            return zeros([outFeatures, inFeatures], dtype: ScalarType.Float32);
        }
        var result = empty([outFeatures, inFeatures], dtype: ScalarType.Float32);
        Gemm(true, false, outFeatures, inFeatures, rows, 1f, NativeTensorMemory.DataPointer(gradOutput), outFeatures,
            NativeTensorMemory.DataPointer(input), inFeatures, 0f, NativeTensorMemory.DataPointer(result), inFeatures);
        return result;
    }
}
