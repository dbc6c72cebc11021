using System.Diagnostics;
using System.Text.Json;
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
        var machine = MachineKey();
        var path = CachePath();
        if (TryReadCache(path, machine) is Fp32Kernel cached && Fp32Kernels.IsAvailable(cached))
        {
            return cached;
        }
        var timings = Measure();
        var best = timings.MinBy(t => t.Value).Key;
        TryWriteCache(path, machine, best, timings);
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
            Tensor Run() => Fp32Kernels.Linear(kernel, input, prepared, bias);
            Run().Dispose();
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                Run().Dispose();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            result[kernel] = best;
        }
        return result;
    }

    /// <summary>What identifies "this machine" for the cache: CPU model, logical cores, libtorch version.</summary>
    public static string MachineKey()
    {
        var model = "unknown-cpu";
        if (File.Exists("/proc/cpuinfo"))
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? model;
        }
        return $"{model}|{Environment.ProcessorCount} cores|libtorch {__version__}";
    }

    private static string CachePath()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }
        return Path.Combine(root, "sharpvl", "fp32-kernel.json");
    }

    private static Fp32Kernel? TryReadCache(string path, string machine)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            return root.GetProperty("machine").GetString() == machine
                ? Fp32Kernels.Parse(root.GetProperty("kernel").GetString() ?? "")
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void TryWriteCache(string path, string machine, Fp32Kernel best, IReadOnlyDictionary<Fp32Kernel, double> timings)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["machine"] = machine,
                ["kernel"] = Fp32Kernels.Name(best),
                ["seconds"] = timings.ToDictionary(t => Fp32Kernels.Name(t.Key), t => t.Value),
            });
            var temporary = path + $".{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, json);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only home only costs the probe at the next start-up.
        }
    }
}
