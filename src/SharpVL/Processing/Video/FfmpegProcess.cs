using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SharpVL.Processing.Video;

/// <summary>
/// One ffmpeg / ffprobe child process: started with an argument list (never through a shell), stderr drained line by
/// line into an <see cref="FfmpegLog"/> so the child never blocks on it, and bounded in time: a read that waits longer
/// than the stall timeout, a cancellation, <see cref="Dispose"/> or the end of this .NET process kills the child.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    /// <summary>Children still running, killed when this process exits (Ctrl+C, SIGTERM, normal exit).</summary>
    private static readonly ConcurrentDictionary<FfmpegProcess, byte> Running = new();

    private readonly Process _process;
    private readonly Task _stderrPump;
    private readonly TimeSpan _stallTimeout;
    private readonly Timer? _watchdog;
    private readonly CancellationTokenRegistration _cancellation;
    private long _waitingSince; // Environment.TickCount64 when a read started, 0 when not waiting
    private int _killed;

    /// <summary>Set once the process is exiting: no child may outlive it, including one a worker thread starts late.</summary>
    private static volatile bool _exiting;

    static FfmpegProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private FfmpegProcess(Process process, FfmpegLog log, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        _process = process;
        Log = log;
        _stallTimeout = stallTimeout;
        Running.TryAdd(this, 0);
        if (_exiting)
        {
            // Registered before the check, so KillAll either saw this child or this check sees the flag.
            Kill();
        }
        _stderrPump = Task.Run(PumpStderr, CancellationToken.None); // stderr is drained to the end even when cancelled
        if (stallTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(stallTimeout.TotalMilliseconds / 4, 10, 1000));
            _watchdog = new Timer(_ => CheckStall(), null, period, period);
        }
        _cancellation = cancellationToken.Register(Kill);
    }

    /// <summary>The executable's name as started (for messages).</summary>
    internal required string Executable { get; init; }

    /// <summary>A temporary file the child reads (a filter script), deleted when the child is disposed.</summary>
    internal string? ScratchFile { get; set; }

    /// <summary>What the child logged.</summary>
    internal FfmpegLog Log { get; }

    /// <summary>Whether the child was killed because a read waited longer than the stall timeout.</summary>
    internal bool StalledOut { get; private set; }

    /// <summary>
    /// Starts <paramref name="executable"/>; throws <see cref="FfmpegNotFoundException"/> when it cannot be started. With
    /// <paramref name="keepInput"/> the child's stdin stays open for <see cref="Input"/> (the video worker's requests);
    /// otherwise it is closed at once.
    /// </summary>
    internal static FfmpegProcess Start(
        string executable, IEnumerable<string> arguments, FfmpegLog log, TimeSpan stallTimeout, bool keepInput = false,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new FfmpegNotFoundException(executable);
        }
        catch (Win32Exception e)
        {
            throw new FfmpegNotFoundException(executable, e);
        }
        if (!keepInput)
        {
            process.StandardInput.Close(); // ffmpeg must never wait for keyboard input
        }
        return new FfmpegProcess(process, log, stallTimeout, cancellationToken) { Executable = Path.GetFileName(executable) };
    }

    /// <summary>The child's stdin (only when started with <c>keepInput</c>).</summary>
    internal Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Whether the child has ended (or was killed).</summary>
    internal bool HasEnded => Volatile.Read(ref _killed) != 0 || _process.HasExited;

    /// <summary>Kills the child when <paramref name="cancellationToken"/> is cancelled, until the registration is disposed.</summary>
    internal CancellationTokenRegistration KillOn(CancellationToken cancellationToken) => cancellationToken.Register(Kill);

    /// <summary>How the child ended, for messages ("exit code 1", "killed by signal 11"); waits for it to end.</summary>
    internal string EndDescription()
    {
        // A child that closed its output may still be running: it gets a moment to end, then it is stopped.
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            Kill();
            _process.WaitForExit();
            return "stopped after closing its output";
        }
        int code = _process.ExitCode;
        return code > 128 ? $"killed by signal {code - 128}" : $"exit code {code}";
    }

    /// <summary>Runs to completion and returns (exit code, stdout text); stdout is limited to <paramref name="maxStdoutChars"/>.</summary>
    internal static (int ExitCode, string Stdout) Run(
        string executable, IEnumerable<string> arguments, FfmpegLog log, TimeSpan timeout, string path,
        int maxStdoutChars = 4 << 20, CancellationToken cancellationToken = default)
    {
        using var p = Start(executable, arguments, log, timeout, cancellationToken: cancellationToken);
        var text = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16384];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int n;
        while ((n = p.Read(bytes)) > 0)
        {
            int c = decoder.GetChars(bytes, 0, n, chars, 0);
            text.Append(chars, 0, c);
            if (text.Length > maxStdoutChars)
            {
                throw new MediaException(path, $"{p.Executable} wrote more than {maxStdoutChars} characters of metadata; refusing to parse it.");
            }
        }
        int code = p.WaitForExit(path, cancellationToken);
        return (code, text.ToString());
    }

    /// <summary>
    /// Reads from the child's stdout (0 at its end). A read waiting longer than the stall timeout kills the child and
    /// ends the stream; <see cref="ThrowIfInterrupted"/> tells why.
    /// </summary>
    internal int Read(Span<byte> buffer)
    {
        Volatile.Write(ref _waitingSince, Math.Max(1, Environment.TickCount64));
        try
        {
            return _process.StandardOutput.BaseStream.Read(buffer);
        }
        catch (IOException) when (Volatile.Read(ref _killed) != 0)
        {
            return 0;
        }
        finally
        {
            Volatile.Write(ref _waitingSince, 0);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> completely; false at a clean end of stream before the first byte.</summary>
    internal bool ReadExactly(Span<byte> buffer, string path)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = Read(buffer[read..]);
            if (n == 0)
            {
                if (read > 0)
                {
                    ThrowIfInterrupted(path, CancellationToken.None);
                }
                return false;
            }
            read += n;
        }
        return true;
    }

    /// <summary>Waits for the child to exit (after its stdout was consumed) and returns its exit code.</summary>
    internal int WaitForExit(string path, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _waitingSince, Math.Max(1, Environment.TickCount64));
        _process.WaitForExit();
        Volatile.Write(ref _waitingSince, 0);
        _stderrPump.Wait(CancellationToken.None);
        ThrowIfInterrupted(path, cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Throws when the child was stopped by cancellation or by the stall timeout.</summary>
    internal void ThrowIfInterrupted(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (StalledOut)
        {
            throw new MediaException(path,
                $"{Executable} produced nothing for {_stallTimeout.TotalSeconds:0.#} s and was stopped (a stalled decoder or an input that never ends).");
        }
    }

    /// <summary>Stops the child and everything it started, if still running.</summary>
    public void Dispose()
    {
        Kill();
        _watchdog?.Dispose();
        _cancellation.Dispose();
        try
        {
            _process.WaitForExit();
            _stderrPump.Wait();
        }
        catch (InvalidOperationException)
        {
            // Never started or already disposed.
        }
        Running.TryRemove(this, out _);
        _process.Dispose();
        if (ScratchFile is not null)
        {
            File.Delete(ScratchFile);
        }
    }

    private void Kill()
    {
        Interlocked.Exchange(ref _killed, 1);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        _exiting = true;
        foreach (var p in Running.Keys)
        {
            p.Kill();
        }
    }

    private void CheckStall()
    {
        long since = Volatile.Read(ref _waitingSince);
        if (since != 0 && Environment.TickCount64 - since > _stallTimeout.TotalMilliseconds && Volatile.Read(ref _killed) == 0)
        {
            StalledOut = true;
            Kill(); // never throws: a timer callback that throws would end the whole process
        }
    }

    private async Task PumpStderr()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is string line)
        {
            Log.Add(line);
        }
    }
}
