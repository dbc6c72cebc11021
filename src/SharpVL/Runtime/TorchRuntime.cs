using System.Runtime.CompilerServices;
using TorchSharp;

namespace SharpVL.Runtime;

/// <summary>Process-wide TorchSharp setup that must happen before the first tensor is created.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<bool> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes sure TorchSharp's native libraries load on this machine (see <see cref="LibStdCxxCompatibility"/>).
    /// Idempotent and thread-safe; every SharpVL entry point that creates tensors calls it.
    /// </summary>
    public static void EnsureInitialized() => _ = Initialized.Value;

    // A module initializer in a library (CA2255, allowed in .editorconfig): it must run before TorchSharp's static
    // constructor loads the native bridge, whichever SharpVL type the application touches first.
    [ModuleInitializer]
    internal static void InitializeOnLoad() => EnsureInitialized();

    private static bool Initialize()
    {
        LibStdCxxCompatibility.EnsureApplicationCopiesLoadable();
        return true;
    }

    /// <summary>Parses a device name as users write it (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    public static torch.Device ParseDevice(string? name)
    {
        EnsureInitialized();
        return string.IsNullOrWhiteSpace(name) ? torch.CPU : new torch.Device(name.Trim().ToLowerInvariant());
    }

    /// <summary>Parses a dtype name as Transformers writes it (<c>float32</c>, <c>bfloat16</c>, <c>float16</c>, <c>fp32</c>, ...).</summary>
    public static torch.ScalarType ParseDType(string name) => name.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" or "torch.float32" => torch.ScalarType.Float32,
        "bfloat16" or "bf16" or "torch.bfloat16" => torch.ScalarType.BFloat16,
        "float16" or "fp16" or "half" or "torch.float16" => torch.ScalarType.Float16,
        "float64" or "fp64" or "double" or "torch.float64" => torch.ScalarType.Float64,
        _ => throw new ArgumentException($"Unknown dtype '{name}'. Use float32, bfloat16, float16 or float64.", nameof(name)),
    };

    /// <summary>The Transformers spelling of a floating dtype (as written to <c>torch_dtype</c> in config.json).</summary>
    public static string DTypeName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.Float64 => "float64",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
