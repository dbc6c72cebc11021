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

    /// <summary>A weight [out, in] as the oneDNN tensor the kernel reads.</summary>
    internal static Tensor Pack(Tensor weight) => Unit.Value!.invoke<Tensor>("pack", weight);

    /// <summary><c>x·wᵀ + b</c> with <paramref name="packedWeight"/> from <see cref="Pack"/>; x [..., in] float32 on the CPU.</summary>
    internal static Tensor Linear(Tensor input, Tensor packedWeight, Tensor? bias)
    {
        var features = input.shape[^1];
        using var flat = input.reshape(-1, features);
        using var result = bias is null
            ? Unit.Value!.invoke<Tensor>("linear_nobias", flat, packedWeight)
            : Unit.Value!.invoke<Tensor>("linear", flat, packedWeight, bias);
        return result.view([.. input.shape[..^1], result.shape[^1]]);
    }
}
