using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Which backend computes attention on the CPU in inference (with gradients enabled libtorch always runs, so training
/// keeps its autograd). Chosen per dtype, in order: <see cref="Force"/> (the CLI's <c>--attention-kernel</c>), the
/// <c>SHARPVL_ATTENTION_KERNEL</c> environment variable, this machine's cached probe, a fresh probe (<see cref="Probe"/>)
/// timing both backends on a VideoMAE-shaped attention.
/// </summary>
public static class AttentionBackends
{
    /// <summary>The environment variable that forces a backend: <c>libtorch</c> or <c>native</c>.</summary>
    public const string EnvironmentVariable = "SHARPVL_ATTENTION_KERNEL";

    private static readonly Lazy<IReadOnlyDictionary<ScalarType, AttentionBackend>> Probed = new(ChooseForThisMachine);
    private static AttentionBackend? _forced;

    [ThreadStatic]
    private static AttentionBackend? _forcedOnThread;

    /// <summary>The backend forced by <see cref="Force"/> or the environment variable, or null when the probe decides.</summary>
    public static AttentionBackend? Override => _forced ?? FromEnvironment.Value;

    /// <summary>Forces a backend for this process (null: back to the environment variable or the probe).</summary>
    /// <exception cref="NotSupportedException">The native kernel is not available on this machine.</exception>
    public static void Force(AttentionBackend? backend)
    {
        if (backend == AttentionBackend.Native && !IsAvailable(AttentionBackend.Native, ScalarType.Float32))
        {
            throw new NotSupportedException($"The native attention kernel is not available on this machine{Requirement}.");
        }
        _forced = backend;
    }

    /// <summary>
    /// Forces a backend on the calling thread until the result is disposed (over <see cref="Force"/> and the
    /// environment variable; the bench and the tests compare backends side by side). Where the backend cannot run a
    /// dtype, libtorch still does.
    /// </summary>
    public static IDisposable ForceOnThisThread(AttentionBackend backend)
    {
        var previous = _forcedOnThread;
        _forcedOnThread = backend;
        return new KernelSelection.Restore(() => _forcedOnThread = previous);
    }

    /// <summary>Whether <paramref name="backend"/> runs <paramref name="dtype"/> attention on this machine's CPU.</summary>
    public static bool IsAvailable(AttentionBackend backend, ScalarType dtype) =>
        backend == AttentionBackend.Libtorch || NativeAttention.Supports(dtype);

    /// <summary>The backend for <paramref name="dtype"/> attention now (forced, else probed; libtorch where native cannot run it).</summary>
    public static AttentionBackend For(ScalarType dtype)
    {
        var chosen = _forcedOnThread ?? Override ?? (Probed.Value.TryGetValue(dtype, out var probed) ? probed : AttentionBackend.Libtorch);
        return IsAvailable(chosen, dtype) ? chosen : AttentionBackend.Libtorch;
    }

    /// <summary>The name used by the option, the environment variable, the cache and the bench.</summary>
    public static string Name(AttentionBackend backend) => backend == AttentionBackend.Native ? "native" : "libtorch";

    /// <summary>Parses a backend name (see <see cref="Name"/>).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static AttentionBackend Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var backend in Enum.GetValues<AttentionBackend>())
        {
            if (string.Equals(Name(backend), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return backend;
            }
        }
        throw new ArgumentException($"Unknown attention kernel '{name}'. Use libtorch or native.", nameof(name));
    }

    /// <summary>
    /// Seconds per attention on each backend for each dtype the native kernel runs (12 heads × 392 tokens × 64, a
    /// quarter of a VideoMAE clip; best of a few runs after a warm-up).
    /// </summary>
    public static IReadOnlyDictionary<(ScalarType DType, AttentionBackend Backend), double> Probe()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var generator = new Generator(0);
        var result = new Dictionary<(ScalarType, AttentionBackend), double>();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 }.Where(NativeAttention.Supports))
        {
            var q = randn([1, 12, 392, 64], generator: generator).to(dtype);
            var k = randn([1, 12, 392, 64], generator: generator).to(dtype);
            var v = randn([1, 12, 392, 64], generator: generator).to(dtype);
            foreach (var backend in Enum.GetValues<AttentionBackend>())
            {
                result[(dtype, backend)] = KernelSelection.BestSeconds(() => backend == AttentionBackend.Native
                    ? NativeAttention.TryAttend(q, k, v, 0.125, null) ?? throw new InvalidOperationException("The native attention kernel refused the probe's shape.")
                    : nn.functional.scaled_dot_product_attention(q, k, v));
            }
        }
        return result;
    }

    private static Dictionary<ScalarType, AttentionBackend> ChooseForThisMachine()
    {
        if (!NativeAttention.Supports(ScalarType.Float32))
        {
            return [];
        }
        var path = KernelProbeCache.PathOf("attention-kernel.json");
        var cached = KernelProbeCache.TryRead<(AttentionBackend Float32, AttentionBackend BFloat16)>(path, root => (
            Float32: Parse(root.GetProperty("float32").GetString() ?? ""),
            BFloat16: Parse(root.GetProperty("bfloat16").GetString() ?? "")));
        if (cached is { } choice)
        {
            return new() { [ScalarType.Float32] = choice.Float32, [ScalarType.BFloat16] = choice.BFloat16 };
        }
        IReadOnlyDictionary<(ScalarType DType, AttentionBackend Backend), double> timings;
        try
        {
            timings = Probe();
        }
        catch (InvalidOperationException)
        {
            // The native kernel refused or failed the probe (e.g. no memory for its scratch): libtorch for this process.
            return [];
        }
        AttentionBackend Fastest(ScalarType dtype) =>
            timings.TryGetValue((dtype, AttentionBackend.Native), out var native) && native < timings[(dtype, AttentionBackend.Libtorch)]
                ? AttentionBackend.Native : AttentionBackend.Libtorch;
        var chosen = new Dictionary<ScalarType, AttentionBackend>
        {
            [ScalarType.Float32] = Fastest(ScalarType.Float32),
            [ScalarType.BFloat16] = Fastest(ScalarType.BFloat16),
        };
        KernelProbeCache.TryWrite(path, new Dictionary<string, object>
        {
            ["float32"] = Name(chosen[ScalarType.Float32]),
            ["bfloat16"] = Name(chosen[ScalarType.BFloat16]),
            ["seconds"] = timings.ToDictionary(t => $"{TorchRuntime.DTypeName(t.Key.DType)}/{Name(t.Key.Backend)}", t => t.Value),
        });
        return chosen;
    }

    private static readonly Lazy<AttentionBackend?> FromEnvironment = new(() => KernelSelection.FromEnvironment(
        EnvironmentVariable, Parse,
        backend => IsAvailable(backend, ScalarType.Float32) ? null : $"the native attention kernel is not available on this machine{Requirement}"));

    private const string Requirement = " (it needs an x86-64 CPU with AVX-512 and libsharpvl_attention.so, built with SharpVL when a C compiler is present)";

}
