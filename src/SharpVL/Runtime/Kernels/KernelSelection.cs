using System.Diagnostics;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// What the kernel choices (<see cref="Fp32Kernels"/>, <see cref="AttentionBackends"/>) share: the environment override
/// (read once per process: the choice is asked for on every Linear layer and attention call), the probe's timing, the
/// scoped per-thread override.
/// </summary>
internal static class KernelSelection
{
    /// <summary>
    /// The choice named by <paramref name="variable"/>, or null when it is unset. An unknown name, or a choice that
    /// cannot run here (<paramref name="unavailable"/> returns why, else null), is an error naming the variable.
    /// </summary>
    public static T? FromEnvironment<T>(string variable, Func<string, T> parse, Func<T, string?> unavailable)
        where T : struct
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        T choice;
        try
        {
            choice = parse(value);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"{variable}={value}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
        if (unavailable(choice) is string reason)
        {
            throw new NotSupportedException($"{variable}={value}: {reason}.");
        }
        return choice;
    }

    /// <summary>Seconds of the fastest of <paramref name="runs"/> calls of <paramref name="run"/>, after one warm-up call (results disposed).</summary>
    public static double BestSeconds(Func<Tensor> run, int runs = 3)
    {
        run().Dispose();
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            run().Dispose();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>Runs <paramref name="restore"/> when disposed (the scoped per-thread overrides of both choices).</summary>
    public sealed class Restore(Action restore) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => restore();
    }
}
