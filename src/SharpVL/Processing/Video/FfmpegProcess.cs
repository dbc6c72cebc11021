using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SharpVL.Processing.Video;

/// <summary>Starts ffmpeg / ffprobe with an argument list and drains stderr so the child never blocks on it.</summary>
internal sealed class FfmpegProcess : IDisposable
{
    private const int StderrKeep = 4000;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(PumpStderr);
    }

    /// <summary>The child's standard output (binary).</summary>
    internal Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>Starts <paramref name="executable"/>; throws <see cref="FfmpegNotFoundException"/> when it cannot be started.</summary>
    internal static FfmpegProcess Start(string executable, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        try
        {
            var process = Process.Start(info) ?? throw new FfmpegNotFoundException(executable);
            process.StandardInput.Close(); // ffmpeg must never wait for keyboard input
            return new FfmpegProcess(process);
        }
        catch (Win32Exception e)
        {
            throw new FfmpegNotFoundException(executable, e);
        }
    }

    /// <summary>Runs to completion and returns (exit code, stdout text, stderr excerpt).</summary>
    internal static (int ExitCode, string Stdout, string Stderr) Run(string executable, IEnumerable<string> arguments)
    {
        using var p = Start(executable, arguments);
        using var reader = new StreamReader(p.StandardOutput, Encoding.UTF8);
        string stdout = reader.ReadToEnd();
        int code = p.WaitForExit();
        return (code, stdout, p.StderrExcerpt());
    }

    /// <summary>Waits for the child to exit (after its stdout was consumed) and returns its exit code.</summary>
    internal int WaitForExit()
    {
        _process.WaitForExit();
        _stderrPump.Wait();
        return _process.ExitCode;
    }

    /// <summary>The last few thousand characters ffmpeg wrote to stderr, trimmed.</summary>
    internal string StderrExcerpt()
    {
        lock (_stderr)
        {
            return _stderr.ToString().Trim();
        }
    }

    /// <summary>Stops the child if it still runs (we stop reading once the needed frames arrived).</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private async Task PumpStderr()
    {
        var buffer = new char[1024];
        var reader = _process.StandardError;
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, n);
                if (_stderr.Length > 2 * StderrKeep)
                {
                    _stderr.Remove(0, _stderr.Length - StderrKeep);
                }
            }
        }
    }
}
