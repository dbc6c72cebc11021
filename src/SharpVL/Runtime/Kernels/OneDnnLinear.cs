using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// oneDNN's inner product inside libtorch (<c>aten::mkldnn_linear</c>), which TorchSharp does not bind: reached through
/// a TorchScript unit compiled once per process. Weights are converted once to oneDNN tensors (<see cref="Pack"/>).
/// </summary>
internal static class OneDnnLinear
{
    // Only these two functions are compiled: TorchScript compile errors end the process, so nothing else may be tried here.
    private const string Script = """
        def pack(w: Tensor) -> Tensor:
            return w.contiguous().to_mkldnn()
        def linear(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
            return torch.mkldnn_linear(x.contiguous().to_mkldnn(), w, b).to_dense()
        def linear_nobias(x: Tensor, w: Tensor) -> Tensor:
            return torch.mkldnn_linear(x.contiguous().to_mkldnn(), w).to_dense()

        """;

    private static readonly Lazy<jit.CompilationUnit?> Unit = new(Compile);

    /// <summary>Whether libtorch carries oneDNN (checked by running the kernel once on a tiny input).</summary>
    internal static bool IsAvailable => Unit.Value is not null;

    private static jit.CompilationUnit? Compile()
    {
        TorchRuntime.EnsureInitialized();
        var unit = jit.compile(Script);
        try
        {
            using var scope = NewDisposeScope();
            using var packed = unit.invoke<Tensor>("pack", ones(2, 3));
            _ = unit.invoke<Tensor>("linear", ones(1, 3), packed, zeros(2));
            return unit;
        }
        catch (ExternalException)
        {
            unit.Dispose();
            return null;
        }
    }

    // The backward products, compiled only when a oneDNN layer first back-propagates (inference never needs them).
    private const string BackwardScript = """
        def input_gradient(g: Tensor, w: Tensor) -> Tensor:
            return torch.mkldnn_linear_backward_input([g.size(0), w.size(1)], g.to_mkldnn(), w).to_dense()
        def weight_gradient(g: Tensor, x: Tensor, w: Tensor) -> Tensor:
            r = torch.mkldnn_linear_backward_weights(g.to_mkldnn(), x.to_mkldnn(), w, False)[0]
            if r.is_mkldnn:
                r = r.to_dense()
            return r

        """;

    private static readonly Lazy<jit.CompilationUnit> BackwardUnit = new(() => jit.compile(BackwardScript));

    /// <summary><c>g·w</c> [rows, in] on oneDNN's inner-product backward: g [rows, out] contiguous, w [out, in] dense.</summary>
    internal static Tensor InputGradient(Tensor gradOutput, Tensor weight) =>
        BackwardUnit.Value.invoke<Tensor>("input_gradient", gradOutput, weight.contiguous());

    /// <summary><c>gᵀ·x</c> [out, in] on oneDNN's inner-product backward: g [rows, out] and x [rows, in] contiguous.</summary>
    internal static Tensor WeightGradient(Tensor gradOutput, Tensor input)
    {
        if (gradOutput.shape[0] == 0)
        {
            return zeros([gradOutput.shape[1], input.shape[1]], dtype: ScalarType.Float32);
        }
        // The weight only tells oneDNN the gradient's shape and type; its values are not read.
        using var shapeOnly = empty([gradOutput.shape[1], input.shape[1]], dtype: ScalarType.Float32);
        return BackwardUnit.Value.invoke<Tensor>("weight_gradient", gradOutput, input, shapeOnly);
    }

    /// <summary>A weight [out, in] as the oneDNN tensor the kernel reads.</summary>
    internal static Tensor Pack(Tensor weight) => Unit.Value!.invoke<Tensor>("pack", weight);

    /// <summary>
    /// <c>x·wᵀ + b</c> with <paramref name="packedWeight"/> from <see cref="Pack"/> (or the dense weight itself, as
    /// training passes it); x [..., in] float32 on the CPU.
    /// </summary>
    internal static Tensor Linear(Tensor input, Tensor packedWeight, Tensor? bias)
    {
        if (input.dim() != 2)
        {
            using var flat = input.reshape(-1, input.shape[^1]);
            using var rows = Linear(flat, packedWeight, bias);
            return rows.view([.. input.shape[..^1], rows.shape[^1]]);
        }
        // Rows in, a fresh tensor out (not a view: training returns it from an autograd node).
        return bias is null
            ? Unit.Value!.invoke<Tensor>("linear_nobias", input, packedWeight)
            : Unit.Value!.invoke<Tensor>("linear", input, packedWeight, bias);
    }
}
