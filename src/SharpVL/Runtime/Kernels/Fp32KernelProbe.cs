using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Times each available float32 kernel on a model-shaped product (a ViT-base MLP projection over a quarter of a
/// VideoMAE clip) and keeps the fastest; the choice is cached per machine (CPU model, core count, libtorch version) in
/// <c>~/.cache/sharpvl/fp32-kernel.json</c> (or under <c>$XDG_CACHE_HOME</c>), so only the first start-up pays the
/// fraction of a second it takes.
/// </summary>
public static class Fp32KernelProbe
{
    private const long Rows = 392;
    private const long InFeatures = 768;
    private const long OutFeatures = 3072;

    /// <summary>The cached choice for this machine, or a fresh probe (then cached).</summary>
    public static Fp32Kernel ChooseForThisMachine()
    {
        var path = KernelProbeCache.PathOf("fp32-kernel.json");
        if (KernelProbeCache.TryRead<Fp32Kernel>(path, root => Fp32Kernels.Parse(root.GetProperty("kernel").GetString() ?? "")) is Fp32Kernel cached &&
            Fp32Kernels.IsAvailable(cached))
        {
            return cached;
        }
        var timings = Measure();
        var best = timings.MinBy(t => t.Value).Key;
        KernelProbeCache.TryWrite(path, new Dictionary<string, object>
        {
            ["kernel"] = Fp32Kernels.Name(best),
            ["seconds"] = timings.ToDictionary(t => Fp32Kernels.Name(t.Key), t => t.Value),
        });
        return best;
    }

    /// <summary>Seconds per product for every available kernel (best of a few runs, after a warm-up).</summary>
    public static IReadOnlyDictionary<Fp32Kernel, double> Measure()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var generator = new Generator(0);
        var input = randn([Rows, InFeatures], generator: generator);
        var weight = randn([OutFeatures, InFeatures], generator: generator);
        var bias = randn([OutFeatures], generator: generator);
        var result = new Dictionary<Fp32Kernel, double>();
        foreach (var kernel in Fp32Kernels.Available)
        {
            var prepared = Fp32Kernels.PrepareWeight(kernel, weight);
            result[kernel] = KernelSelection.BestSeconds(() => Fp32Kernels.Linear(kernel, input, prepared, bias));
        }
        return result;
    }

    /// <summary>What identifies "this machine" for the cache: CPU model, logical cores, libtorch version.</summary>
    public static string MachineKey() => KernelProbeCache.MachineKey();
}
