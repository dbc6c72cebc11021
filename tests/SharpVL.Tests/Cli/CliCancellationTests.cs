using System.Diagnostics;

namespace SharpVL.Tests.Cli;

/// <summary>Ctrl+C (SIGINT) during a run over many videos: exit code 130, a summary, and no decoder child (ffmpeg, ffprobe, video worker) left behind.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliCancellationTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>Processes whose command line mentions <paramref name="marker"/> (from /proc).</summary>
    private static List<int> ProcessesMentioning(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(folder, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static bool WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(100);
        }
        return condition();
    }

    /// <summary>
    /// With each decoder: ffmpeg per file (an "ffmpeg" first on PATH that hangs before it decodes) and the video worker
    /// (SHARPVL_VIDEO_WORKER naming a "worker" that never answers). The interrupt always finds a decoder running, and a
    /// leaked one would still be alive (sleeping) after the CLI exits.
    /// </summary>
    [Theory]
    [InlineData("ffmpeg")]
    [InlineData("worker")]
    public async Task CtrlCEndsTheRunWithExitCode130AndNoDecoderChildRemains(string decoder)
    {
        for (var i = 0; i < 8; i++)
        {
            _workspace.Copy(CliWorkspace.Clip, $"clips/clip{i}.mp4");
        }
        var bin = _workspace.PathOf(decoder == "ffmpeg" ? "bin/ffmpeg" : "bin/sharpvl-video-worker");
        var realFfmpeg = new[] { "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg" }.First(File.Exists);
        // The worker answers the check's version request (an empty answer, then the end record) and hangs on a file's
        // request. Each stand-in leaves a mark when it hangs, so the interrupt is sent while a decoder is running.
        var hanging = bin + ".hanging";
        File.WriteAllText(bin, decoder == "ffmpeg"
            ? $"#!/bin/sh\ntouch '{hanging}'\nsleep 300\nexec {realFfmpeg} \"$@\"\n"
            : "#!/bin/sh\nread request\nif [ \"$request\" = version ]; then\n" +
              "  printf 'J\\002\\000\\000\\000{}E\\010\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000'\n  read request\nfi\n" +
              $"touch '{hanging}'\nsleep 300\n");
        File.SetUnixFileMode(bin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var marker = Path.GetDirectoryName(bin)!;
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = marker + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["SHARPVL_VIDEO_DECODER"] = decoder,
            ["SHARPVL_VIDEO_WORKER"] = decoder == "worker" ? bin : null,
        };

        var start = CliRunner.StartInfo(environment,
            "classify", Path.Combine(_workspace.Root, "clips"), "--model", CliWorkspace.VideoMAE, "--jsonl", "--batch-size", "2");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        try
        {
            Assert.True(WaitUntil(() => File.Exists(hanging) && ProcessesMentioning(marker).Count > 0, TimeSpan.FromMinutes(2)),
                $"the CLI never started {decoder}");
            Assert.Equal(0, Interrupt.CtrlC(process.Id));
            using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                await process.WaitForExitAsync(limit.Token);
            }
            Assert.Equal(130, process.ExitCode);
            var errors = await stderr;
            Assert.True(errors.Contains("cancelled (Ctrl+C)", StringComparison.Ordinal), errors);
            Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
            Assert.Equal("", await stdout);
            Assert.True(WaitUntil(() => ProcessesMentioning(marker).Count == 0, TimeSpan.FromSeconds(10)),
                $"{decoder} children left behind: {string.Join(", ", ProcessesMentioning(marker))}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            foreach (var pid in ProcessesMentioning(marker))
            {
                Interrupt.Send(pid, "KILL");
            }
        }
    }
}
