using System.Diagnostics;

namespace SharpVL.Tests.Cli;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>, installed by scripts/setup.sh; never a downloaded browser),
/// to check that generated HTML renders.
/// </summary>
internal static class Chromium
{
    private static string Executable => Environment.GetEnvironmentVariable("SHARPVL_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>The DOM Chromium built from <paramref name="htmlFile"/>, serialized (<c>--dump-dom</c>).</summary>
    public static string DumpDom(string htmlFile) => Run("--dump-dom", new Uri(htmlFile).AbsoluteUri).Stdout;

    /// <summary>Renders <paramref name="htmlFile"/> into a PNG of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    public static void Screenshot(string htmlFile, string pngFile, int width, int height)
        => Run($"--screenshot={pngFile}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri);

    private static (string Stdout, string Stderr) Run(params string[] arguments)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run scripts/setup.sh (Debian package 'chromium').");
        var profile = TestScratch.CreateDirectory("sharpvl-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                "--disable-extensions", $"--user-data-dir={profile}",
            }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 2 minutes");
            }
            Assert.True(process.ExitCode == 0, stderr.Result);
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
