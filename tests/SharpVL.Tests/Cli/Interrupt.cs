using System.Diagnostics;
using System.Globalization;

namespace SharpVL.Tests.Cli;

/// <summary>Interrupts a CLI process the way a user's Ctrl+C does.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Interrupt
{
    /// <summary>
    /// SIGINT, unless this test process ignores it: a shell starts background jobs (<c>cmd &amp;</c>) with SIGINT
    /// ignored, the child inherits that, and .NET rightly keeps an inherited-ignored SIGINT ignored. Then SIGTERM,
    /// which the CLI handles the same way, still tests the cancellation path.
    /// </summary>
    public static string CtrlCSignal => SigIntIgnored() ? "TERM" : "INT";

    /// <summary>Sends <paramref name="signal"/> (a name for the shell's kill builtin) to <paramref name="pid"/>; returns kill's exit code.</summary>
    public static int Send(int pid, string signal)
    {
        using var kill = Process.Start("bash", ["-c", $"kill -{signal} {pid}"])!;
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>Sends Ctrl+C's signal to <paramref name="pid"/>.</summary>
    public static int CtrlC(int pid) => Send(pid, CtrlCSignal);

    private static bool SigIntIgnored()
    {
        // SigIgn in /proc/self/status is a hex mask of ignored signals; SIGINT is signal 2 (bit 1).
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0b10) != 0;
    }
}
