using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Which exact float32 kernel runs Linear layers (inference and training) and attention products (inference) on the
/// CPU; other devices and dtypes always run on libtorch. Chosen, in order: <see cref="Force"/> (the CLI's
/// <c>--fp32-kernel</c>), the <c>SHARPVL_FP32_KERNEL</c> environment variable, this machine's cached probe result, a
/// fresh probe (<see cref="Fp32KernelProbe"/>).
/// </summary>
public static class Fp32Kernels
{
    /// <summary>The environment variable that forces a kernel: <c>libtorch</c>, <c>onednn</c> or <c>dnnl-sgemm</c>.</summary>
    public const string EnvironmentVariable = "SHARPVL_FP32_KERNEL";

    private static readonly Lazy<Fp32Kernel> Probed = new(() => Fp32KernelProbe.ChooseForThisMachine());
    private static Fp32Kernel? _forced;

    [ThreadStatic]
    private static Fp32Kernel? _forcedOnThread;

    [ThreadStatic]
    private static int[]? _products;

    /// <summary>The kernel in use now.</summary>
    public static Fp32Kernel Current => _forcedOnThread ?? _forced ?? FromEnvironment.Value ?? Probed.Value;

    /// <summary>Forces a kernel on the calling thread until disposed (tests compare kernels side by side).</summary>
    internal static IDisposable ForceOnThisThread(Fp32Kernel kernel)
    {
        var previous = _forcedOnThread;
        _forcedOnThread = kernel;
        return new KernelSelection.Restore(() => _forcedOnThread = previous);
    }

    /// <summary>Products each kernel has run on this thread (libtorch counts only the layers that could have left it).</summary>
    internal static int ProductsOnThisThread(Fp32Kernel kernel) => _products?[(int)kernel] ?? 0;

    internal static void Count(Fp32Kernel kernel) => (_products ??= new int[Enum.GetValues<Fp32Kernel>().Length])[(int)kernel]++;


    /// <summary>The kernel forced by <see cref="Force"/> or the environment variable, or null when the probe decides.</summary>
    public static Fp32Kernel? Override => _forced ?? FromEnvironment.Value;

    /// <summary>Forces a kernel for this process (null: back to the environment variable or the probe).</summary>
    /// <exception cref="NotSupportedException">The kernel cannot run on this machine.</exception>
    public static void Force(Fp32Kernel? kernel)
    {
        if (kernel is Fp32Kernel k && !IsAvailable(k))
        {
            throw new NotSupportedException($"The {Name(k)} float32 kernel is not available on this machine{Requirement(k)}.");
        }
        _forced = kernel;
    }

    /// <summary>Whether <paramref name="kernel"/> can run here.</summary>
    public static bool IsAvailable(Fp32Kernel kernel) => kernel switch
    {
        Fp32Kernel.Libtorch => true,
        Fp32Kernel.OneDnn => OneDnnLinear.IsAvailable,
        Fp32Kernel.DnnlSgemm => DnnlSgemm.IsAvailable,
        _ => false,
    };

    /// <summary>The kernels that can run here, libtorch first.</summary>
    public static IReadOnlyList<Fp32Kernel> Available => [.. Enum.GetValues<Fp32Kernel>().Where(IsAvailable)];

    /// <summary>The name used by the option, the environment variable, the cache and the bench (<c>dnnl-sgemm</c>).</summary>
    public static string Name(Fp32Kernel kernel) => kernel switch
    {
        Fp32Kernel.Libtorch => "libtorch",
        Fp32Kernel.OneDnn => "onednn",
        Fp32Kernel.DnnlSgemm => "dnnl-sgemm",
        _ => kernel.ToString(),
    };

    /// <summary>Parses a kernel name (see <see cref="Name"/>).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static Fp32Kernel Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var kernel in Enum.GetValues<Fp32Kernel>())
        {
            if (string.Equals(Name(kernel), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return kernel;
            }
        }
        throw new ArgumentException($"Unknown float32 kernel '{name}'. Use libtorch, onednn or dnnl-sgemm.", nameof(name));
    }

    /// <summary>A weight [out, in] in the layout <paramref name="kernel"/> reads (a oneDNN tensor for oneDNN, else itself).</summary>
    public static Tensor PrepareWeight(Fp32Kernel kernel, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return kernel == Fp32Kernel.OneDnn ? OneDnnLinear.Pack(weight) : weight.alias();
    }

    /// <summary>
    /// <c>input·weightᵀ + bias</c> on <paramref name="kernel"/>, whatever the grad mode (for measurements; layers use
    /// <see cref="Modeling.KernelLinear"/>). The weight comes from <see cref="PrepareWeight"/>; dnnl-sgemm takes float32 only.
    /// </summary>
    public static Tensor Linear(Fp32Kernel kernel, Tensor input, Tensor preparedWeight, Tensor? bias) => kernel switch
    {
        Fp32Kernel.OneDnn => OneDnnLinear.Linear(input, preparedWeight, bias),
        Fp32Kernel.DnnlSgemm => DnnlSgemm.Linear(input, preparedWeight, bias),
        _ => nn.functional.linear(input, preparedWeight, bias),
    };

    /// <summary>
    /// The kernel a Linear product on these tensors runs on: <see cref="Current"/> for float32 CPU operands (a 1-D bias
    /// or none), whatever the grad mode (<see cref="Modeling.KernelLinear"/> records gradients through its own autograd
    /// node), else libtorch.
    /// </summary>
    internal static Fp32Kernel For(Tensor input, Tensor weight, Tensor? bias)
    {
        static bool Fits(Tensor t) => t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU;
        if (!Fits(input) || !Fits(weight) || weight.dim() != 2 || (bias is not null && (!Fits(bias) || bias.dim() != 1)))
        {
            return Fp32Kernel.Libtorch;
        }
        return Current;
    }

    private static readonly Lazy<Fp32Kernel?> FromEnvironment = new(() => KernelSelection.FromEnvironment(
        EnvironmentVariable, Parse, kernel => IsAvailable(kernel) ? null : $"that kernel is not available on this machine{Requirement(kernel)}"));

    private static string Requirement(Fp32Kernel kernel) => kernel switch
    {
        Fp32Kernel.DnnlSgemm => " (it needs the system's oneDNN, libdnnl.so.2: Debian/Ubuntu package libdnnl2)",
        Fp32Kernel.OneDnn => " (this libtorch was built without oneDNN)",
        _ => "",
    };
}
