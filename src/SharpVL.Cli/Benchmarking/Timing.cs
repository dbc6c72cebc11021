using System.Diagnostics;

namespace SharpVL.Cli.Benchmarking;

/// <summary>Repeated timing with warm-up: median and spread.</summary>
internal static class Timing
{
    public static (double Median, double Min, double Max) Measure(Action run, int warmup, int repeats)
    {
        for (var i = 0; i < warmup; i++)
        {
            run();
        }
        var samples = new double[Math.Max(1, repeats)];
        for (var i = 0; i < samples.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            samples[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(samples);
        var median = samples.Length % 2 == 1
            ? samples[samples.Length / 2]
            : (samples[(samples.Length / 2) - 1] + samples[samples.Length / 2]) / 2;
        return (median, samples[0], samples[^1]);
    }

    /// <summary>Peak resident memory of this process in bytes (VmHWM), or 0 where /proc is unavailable.</summary>
    public static long PeakResidentBytes() => ReadStatusKilobytes("VmHWM:") * 1024;

    /// <summary>Current resident memory in bytes (VmRSS).</summary>
    public static long ResidentBytes() => ReadStatusKilobytes("VmRSS:") * 1024;

    /// <summary>Resets the peak-RSS mark (Linux: writing 5 to /proc/self/clear_refs); false when not possible.</summary>
    public static bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long ReadStatusKilobytes(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return 0;
        }
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
