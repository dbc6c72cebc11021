using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>This machine's GEMM ceiling: GFLOP/s of a large square matmul through TorchSharp.</summary>
internal static class Roofline
{
    public static BenchRow Measure(ScalarType dtype, int size, int repeats)
    {
        using var scope = NewDisposeScope();
        var a = randn(new long[] { size, size }).to(dtype);
        var b = randn(new long[] { size, size }).to(dtype);
        using var inference = inference_mode();
        var (median, min, max) = Timing.Measure(() =>
        {
            using var product = matmul(a, b);
        }, warmup: 2, repeats: repeats);
        var gflops = 2.0 * size * size * size / 1e9;
        // The ceiling is what the machine can do, so the best run counts (the median is kept in the row too).
        return new BenchRow($"gemm {size}x{size}x{size}", Runtime.TorchRuntime.DTypeName(dtype), 0, median, min, max, gflops, null,
            $"{gflops / min:0} GFLOP/s peak");
    }
}
