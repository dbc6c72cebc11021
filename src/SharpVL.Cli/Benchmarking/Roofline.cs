using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// This machine's GEMM ceiling, per backend: <c>x·wᵀ + b</c> at the shapes the base models run (ViT-base MLP over a
/// VideoMAE clip, X-CLIP's fused-QKV-sized projection over 50 tokens) and a 2048³ square, on every exact kernel
/// SharpVL can reach. The roofline of a dtype is the best rate of any of its rows.
/// </summary>
internal static class Roofline
{
    /// <summary>(rows, in, out) of the measured products.</summary>
    public static readonly IReadOnlyList<(long M, long K, long N)> Shapes = [(1568, 768, 3072), (1568, 3072, 768), (50, 768, 2304), (2048, 2048, 2048)];

    /// <summary>The GEMM rows of one dtype: every backend at every shape.</summary>
    public static IEnumerable<BenchRow> MeasureAll(ScalarType dtype, int repeats, Action<string> log)
    {
        foreach (var backend in Backends(dtype))
        {
            foreach (var (m, k, n) in Shapes)
            {
                var row = Measure(dtype, backend, m, k, n, repeats);
                log($"{row.Name} {row.DType} [{row.Backend}]: {row.Gflops / row.MinS:0} GFLOP/s best");
                yield return row;
            }
        }
    }

    /// <summary>The best exact rate (GFLOP/s, best run) among the GEMM rows of a dtype.</summary>
    public static double Best(IEnumerable<BenchRow> rows, string dtype) =>
        rows.Where(r => r.Name.StartsWith("gemm ", StringComparison.Ordinal) && r.DType == dtype && r.MinS > 0)
            .Select(r => r.Gflops / r.MinS).DefaultIfEmpty(0).Max();

    private static IEnumerable<Fp32Kernel> Backends(ScalarType dtype) => dtype == ScalarType.Float32
        ? Fp32Kernels.Available
        // oneDNN's inner product also runs bfloat16; dnnl_sgemm is float32 only.
        : Fp32Kernels.Available.Where(k => k != Fp32Kernel.DnnlSgemm);

    private static BenchRow Measure(ScalarType dtype, Fp32Kernel backend, long m, long k, long n, int repeats)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var x = randn(new long[] { m, k }).to(dtype);
        var w = randn(new long[] { n, k }).to(dtype);
        var b = randn(new long[] { n }).to(dtype);
        var prepared = Fp32Kernels.PrepareWeight(backend, w);
        var (median, min, max) = Timing.Measure(() => Fp32Kernels.Linear(backend, x, prepared, b).Dispose(), warmup: 2, repeats: repeats);
        var gflops = 2.0 * m * k * n / 1e9;
        // The ceiling is what the machine can do, so the best run counts (the median is kept in the row too).
        return new BenchRow($"gemm {m}x{k}·{k}→{n}", Runtime.TorchRuntime.DTypeName(dtype), 0, median, min, max, gflops, null,
            $"{gflops / min:0} GFLOP/s best") { Backend = Fp32Kernels.Name(backend) };
    }
}
