using SharpVL.Modeling;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// Attention alone, per backend, at the base models' long sequences (VideoMAE's 1568 tokens, TVLT's 2080 video+audio
/// tokens; 12 heads of 64), with its rate and share of the GEMM roofline of the same run: whether attention keeps up
/// with the products around it.
/// </summary>
internal static class AttentionRates
{
    /// <summary>(heads, tokens, head_dim) of the measured attentions.</summary>
    public static readonly IReadOnlyList<(long Heads, long Tokens, long HeadDim)> Shapes = [(12, 1568, 64), (12, 2080, 64)];

    /// <summary>One row per available backend and shape for <paramref name="dtype"/>.</summary>
    public static IEnumerable<BenchRow> MeasureAll(ScalarType dtype, int repeats, double roofline, Action<string> log) =>
        MeasureAll(dtype, repeats, roofline, log, Shapes);

    /// <summary>The same at other shapes (tests use small ones).</summary>
    internal static IEnumerable<BenchRow> MeasureAll(
        ScalarType dtype, int repeats, double roofline, Action<string> log, IReadOnlyList<(long Heads, long Tokens, long HeadDim)> shapes)
    {
        foreach (var backend in Enum.GetValues<AttentionBackend>().Where(b => AttentionBackends.IsAvailable(b, dtype)))
        {
            foreach (var (heads, tokens, headDim) in shapes)
            {
                var row = Measure(dtype, backend, heads, tokens, headDim, repeats, roofline);
                log($"{row.Name} {row.DType} [{row.Attention}]: {row.Gflops / row.MinS:0} GFLOP/s best");
                yield return row;
            }
        }
    }

    private static BenchRow Measure(ScalarType dtype, AttentionBackend backend, long heads, long tokens, long headDim, int repeats, double roofline)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        using var forced = AttentionBackends.ForceOnThisThread(backend);
        // [B, T, H, D] projections seen as [B, H, T, D], as the models hand them over
        var q = randn(1, tokens, heads, headDim).to(dtype).transpose(1, 2);
        var k = randn(1, tokens, heads, headDim).to(dtype).transpose(1, 2);
        var v = randn(1, tokens, heads, headDim).to(dtype).transpose(1, 2);
        var (median, min, max) = Timing.Measure(() => AttentionKernels.Attend(q, k, v).Context.Dispose(), warmup: 2, repeats: repeats);
        var gflops = 4.0 * heads * tokens * tokens * headDim / 1e9;
        return new BenchRow($"attention {heads}x{tokens}²x{headDim}", Runtime.TorchRuntime.DTypeName(dtype), 1, median, min, max, gflops,
            roofline > 0 ? gflops / median / roofline : null, $"{gflops / min:0} GFLOP/s best")
        {
            Attention = AttentionBackends.Name(backend),
        };
    }
}
