using System.Diagnostics;

namespace SharpVL.Tests;

/// <summary>
/// Scratch folders for tests, all under one folder per test run (<c>sharpvl-tests-&lt;pid&gt;</c> in the temp folder) that is
/// deleted when the test process exits; folders left by runs that were killed are deleted by the next run. So no test
/// leaves files in /tmp, whatever it forgets to clean up or however it ends.
/// </summary>
internal static class TestScratch
{
    private const string RunPrefix = "sharpvl-tests-";

    private static readonly Lazy<string> Run = new(CreateRunFolder);

    /// <summary>A new empty folder whose name starts with <paramref name="prefix"/>.</summary>
    public static DirectoryInfo CreateDirectory(string prefix = "")
        => Directory.CreateDirectory(Path.Combine(Run.Value, prefix + Guid.NewGuid().ToString("N")[..12]));

    private static string CreateRunFolder()
    {
        DeleteFoldersOfDeadRuns();
        var folder = Path.Combine(Path.GetTempPath(), RunPrefix + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    private static void DeleteFoldersOfDeadRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), RunPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder)[RunPrefix.Length..], out int pid) && !IsRunning(pid))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open: the next run deletes the folder.
        }
    }
}
