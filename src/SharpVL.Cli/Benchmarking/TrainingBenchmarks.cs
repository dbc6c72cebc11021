using System.Globalization;
using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Runtime;
using SharpVL.Runtime.Kernels;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// The <c>train</c> section of <c>sharpvl bench</c>: seconds per optimizer step (forward + backward + clipping + AdamW,
/// as the Trainer takes it) at real checkpoint sizes with random weights, the ratio to the forward of the same batch,
/// and peak resident memory. bf16 rows compute in bf16 with float32 master weights.
/// </summary>
internal static class TrainingBenchmarks
{
    private sealed record Case(string Name, int Batch, Func<PreTrainedModel> Create, Func<int, Dictionary<string, Tensor>> Inputs, ForwardArguments Arguments);

    private static IEnumerable<Case> Cases()
    {
        foreach (var batch in new[] { 1, 2 })
        {
            yield return new Case("train step: MCG-NJU/videomae-base (16x224², classification)", batch,
                () => new VideoMAEForVideoClassification(new VideoMAEConfig { NumLabels = 400 }),
                b => new() { ["pixel_values"] = randn(new long[] { b, 16, 3, 224, 224 }), ["labels"] = randint(0, 400, [b]) }, ForwardArguments.None);
        }
        // Contrastive X-CLIP: four (8-frame video, caption) pairs per batch.
        yield return new Case("train step: microsoft/xclip-base-patch32 (8 frames, contrastive)", 4,
            () => new XCLIPModel(new XCLIPConfig()),
            b => new() { ["pixel_values"] = randn(new long[] { b, 8, 3, 224, 224 }), ["input_ids"] = randint(1, 49000, [b, 16]) }, new ForwardArguments { ReturnLoss = true });
    }

    /// <summary>
    /// Measures every case (those whose name contains one of <paramref name="filter"/>, when given) in every dtype
    /// (half of <paramref name="repeats"/>, at least 2, timed steps after one warm-up).
    /// </summary>
    public static IEnumerable<BenchRow> Run(IReadOnlyList<ScalarType> dtypes, IReadOnlyList<string>? filter, int repeats, Action<string> log)
    {
        foreach (var benchmark in Cases().Where(c => filter is null || filter.Any(f => c.Name.Contains(f, StringComparison.OrdinalIgnoreCase))))
        {
            foreach (var dtype in dtypes.Where(d => d is ScalarType.Float32 or ScalarType.BFloat16))
            {
                yield return Measure(benchmark, dtype, repeats, log);
            }
        }
    }

    private static BenchRow Measure(Case benchmark, ScalarType dtype, int repeats, Action<string> log)
    {
        GC.Collect();
        Timing.ResetPeakResident();
        manual_seed(0);
        using var model = benchmark.Create();
        using var masters = dtype == ScalarType.BFloat16 ? MasterWeights.Create(model, dtype) : null;
        model.train();
        var groups = WeightDecayGroups.Of(model);
        groups = masters?.Groups(groups) ?? groups;
        using var optimizer = groups.CreateAdamW(5e-5, 0.01);
        var step = new TrainingStep(model, optimizer, [.. groups.Decay.Concat(groups.NoDecay).Select(p => p.Parameter)], masters, 1.0);
        var inputs = benchmark.Inputs(benchmark.Batch);
        var cast = inputs.ToDictionary(p => p.Key, p => p.Value.is_floating_point() ? p.Value.to(dtype) : p.Value);
        var (median, min, max) = Timing.Measure(() =>
        {
            step.Accumulate(cast, benchmark.Arguments);
            step.Apply();
        }, warmup: 1, repeats: Math.Max(2, repeats / 2));
        var peak = Timing.PeakResidentBytes();
        model.eval();
        var (forward, _, _) = Timing.Measure(() =>
        {
            using var inference = inference_mode();
            using var output = BatchForward.Run(model, cast, benchmark.Arguments);
        }, warmup: 1, repeats: Math.Max(2, repeats / 2));
        // By reference: Tensor.Equals compares values.
        foreach (var tensor in inputs.Values.Concat(cast.Values).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>())
        {
            tensor.Dispose();
        }
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"step/forward {median / forward:0.00}× (forward {forward:0.000} s); peak RSS {peak / 1073741824.0:0.00} GiB");
        var row = new BenchRow(benchmark.Name, TorchRuntime.DTypeName(dtype), benchmark.Batch, median, min, max, 0, null,
            string.Create(CultureInfo.InvariantCulture, $"{benchmark.Batch / median:0.00} clips/s"), notes)
        {
            // Float32 Linear layers train on the chosen kernel (forward and backward products); other dtypes on libtorch.
            Backend = dtype == ScalarType.Float32 ? Fp32Kernels.Name(Fp32Kernels.Current) : "libtorch",
        };
        log($"{row.Name} {row.DType} b{row.Batch} [{row.Backend}]: {median:0.000} s/step; {notes}");
        return row;
    }
}
