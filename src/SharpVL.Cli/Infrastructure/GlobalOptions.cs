using System.CommandLine;

namespace SharpVL.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    /// <summary><c>--verbose</c>: errors with their full details (exception type, stack trace, inner errors).</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show full error details (exception types and stack traces).",
        Recursive = true,
    };

    /// <summary>
    /// <c>--fp32-kernel</c>: the exact float32 kernel for Linear layers and attention products on the CPU (overrides the
    /// SHARPVL_FP32_KERNEL environment variable and the start-up probe).
    /// </summary>
    public static Option<string?> Fp32Kernel { get; } = new("--fp32-kernel")
    {
        Description = "Float32 CPU kernel: libtorch, onednn or dnnl-sgemm (default: the fastest, probed once per machine; env SHARPVL_FP32_KERNEL).",
        Recursive = true,
    };

    /// <summary>
    /// <c>--attention-kernel</c>: what computes attention on the CPU in inference (overrides the SHARPVL_ATTENTION_KERNEL
    /// environment variable and the start-up probe).
    /// </summary>
    public static Option<string?> AttentionKernel { get; } = new("--attention-kernel")
    {
        Description = "CPU attention: native (SharpVL's AVX-512 kernel) or libtorch (default: the faster, probed once per machine; env SHARPVL_ATTENTION_KERNEL).",
        Recursive = true,
    };
}
