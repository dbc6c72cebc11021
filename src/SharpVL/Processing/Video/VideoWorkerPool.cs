using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.InteropServices;
using SharpVL.Runtime.Kernels;

namespace SharpVL.Processing.Video;

/// <summary>
/// Where the <c>sharpvl-video-worker</c> program is, which decoder a reader uses (<see cref="VideoDecoderKind"/>, the
/// <c>SHARPVL_VIDEO_DECODER</c> environment variable), and the idle workers kept for the next file.
/// </summary>
internal static class VideoWorkerPool
{
    /// <summary>The environment variable that chooses the decoder when a reader leaves it on <see cref="VideoDecoderKind.Auto"/>.</summary>
    internal const string EnvironmentVariable = "SHARPVL_VIDEO_DECODER";

    /// <summary>The environment variable naming another worker program (a build of one's own, a test's stand-in).</summary>
    internal const string ProgramVariable = "SHARPVL_VIDEO_WORKER";

    private const string FileName = "sharpvl-video-worker";

    /// <summary>Idle workers kept; the folder pipelines decode two files at a time, a few callers may share the pool.</summary>
    private const int MaxIdle = 4;

    private static readonly ConcurrentBag<VideoWorker> Idle = [];
    private static readonly Lazy<string?> Program = new(Locate);

    /// <summary>Why the worker program cannot serve on this machine (it does not start, or links other libav libraries than
    /// the ffmpeg on PATH), or null when it can.</summary>
    private static readonly Lazy<string?> Unusable = new(() => Program.Value is string program ? Check(program) : MissingText);
    private static readonly Lazy<VideoDecoderKind?> FromEnvironment = new(() => KernelSelection.FromEnvironment<VideoDecoderKind>(
        EnvironmentVariable, Parse, kind => kind == VideoDecoderKind.Worker && Program.Value is null ? MissingText : null));
    private static int _started;

    /// <summary>Workers started in this process (tests check that files reuse them).</summary>
    internal static int Started => Volatile.Read(ref _started);

    /// <summary>The worker program, or null when it was not built for this machine.</summary>
    internal static string? ProgramPath => Program.Value;

    /// <summary>The decoder the environment asks for (see <see cref="VideoReader.DecoderFromEnvironment"/>).</summary>
    internal static VideoDecoderKind? DecoderFromEnvironment
    {
        get
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ProgramVariable)))
            {
                _ = Program.Value; // a missing program named there is an error too
            }
            return FromEnvironment.Value;
        }
    }

    /// <summary>Why the worker cannot serve here, or null when it can.</summary>
    internal static string? UnusableReason => Unusable.Value;

    private static string MissingText => $"the video worker ({FileName}) was not built for this machine (it needs a C compiler and the libavformat/libavcodec/libavfilter development files when SharpVL is built)";

    /// <summary>
    /// What a reader with <paramref name="kind"/> decodes with: <see cref="VideoDecoderKind.Worker"/> or
    /// <see cref="VideoDecoderKind.FfmpegPerFile"/>. <paramref name="defaultExecutables"/>: the reader runs the ffmpeg and
    /// ffprobe on PATH (a reader given its own runs those, since the worker links the system's libav libraries).
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="VideoDecoderKind.Worker"/> was asked for and there is no worker
    /// program, or the environment names an unknown decoder or a missing program.</exception>
    internal static VideoDecoderKind Resolve(VideoDecoderKind kind, bool defaultExecutables)
    {
        var effective = kind == VideoDecoderKind.Auto ? FromEnvironment.Value ?? VideoDecoderKind.Auto : kind;
        return effective switch
        {
            VideoDecoderKind.Worker => Unusable.Value is null ? VideoDecoderKind.Worker : throw new NotSupportedException(Unusable.Value + "."),
            VideoDecoderKind.Auto when defaultExecutables && Unusable.Value is null => VideoDecoderKind.Worker,
            _ => VideoDecoderKind.FfmpegPerFile,
        };
    }

    /// <summary>
    /// Starts the worker once and asks which libav versions it runs with: a program built on another machine may not start
    /// here (other library versions), and one linked against other libraries than the ffmpeg on PATH would not give that
    /// ffmpeg's frames. The checking worker is stopped afterwards (its short stall timeout is the check's, not a reader's).
    /// </summary>
    internal static string? Check(string program)
    {
        VideoWorker? worker = null;
        try
        {
            worker = VideoWorker.Start(program, TimeSpan.FromSeconds(10));
            var versions = ParseVersions(worker.Version(CancellationToken.None));
            if (FfmpegVersions() is { } ffmpeg)
            {
                foreach (var (library, version) in versions)
                {
                    if (ffmpeg.TryGetValue(library, out var expected) && expected != version)
                    {
                        worker.Dispose();
                        return $"the video worker runs {library} {version} but the ffmpeg on PATH runs {expected}; videos are decoded by ffmpeg per file";
                    }
                }
            }
            worker.Dispose();
            return null;
        }
        catch (Exception e) when (e is MediaException or FfmpegNotFoundException or IOException or System.Text.Json.JsonException
                                       or InvalidOperationException or ArgumentException)
        {
            worker?.Dispose(); // waits for its stderr to be read to the end
            string stderr = worker?.StderrExcerpt ?? "";
            return $"the video worker ({program}) cannot run here: {(stderr.Length > 0 ? stderr : e.Message)}";
        }
    }

    private static Dictionary<string, string> ParseVersions(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    /// <summary>The libraries <c>ffmpeg -version</c> runs with ("libavcodec     59. 37.100 / 59. 37.100": the second is the
    /// one loaded), or null when there is no ffmpeg to compare with.</summary>
    private static Dictionary<string, string>? FfmpegVersions()
    {
        try
        {
            var (code, text) = FfmpegProcess.Run("ffmpeg", ["-hide_banner", "-version"], new FfmpegLog(), TimeSpan.FromSeconds(30), "ffmpeg");
            if (code != 0)
            {
                return null;
            }
            var versions = new Dictionary<string, string>();
            foreach (var line in text.Split('\n'))
            {
                var parts = line.Split('/', 2);
                var name = parts[0].Trim().Split(' ', 2)[0];
                if (parts.Length == 2 && name.StartsWith("lib", StringComparison.Ordinal))
                {
                    versions[name] = string.Concat(parts[1].Where(c => c != ' '));
                }
            }
            return versions;
        }
        catch (Exception e) when (e is FfmpegNotFoundException or MediaException)
        {
            return null;
        }
    }

    /// <summary>An idle worker, or a new one.</summary>
    internal static VideoWorker Rent(TimeSpan stallTimeout)
    {
        var others = new List<VideoWorker>();
        try
        {
            while (Idle.TryTake(out var worker))
            {
                if (!worker.Reusable)
                {
                    worker.Dispose();
                }
                else if (worker.StallTimeout == stallTimeout)
                {
                    return worker;
                }
                else
                {
                    others.Add(worker); // kept for readers with their timeout
                }
            }
        }
        finally
        {
            others.ForEach(Idle.Add);
        }
        Interlocked.Increment(ref _started);
        return VideoWorker.Start(Program.Value ?? throw new NotSupportedException(MissingText + "."), stallTimeout);
    }

    /// <summary>Keeps <paramref name="worker"/> for the next file when it can serve one, else stops it.</summary>
    internal static void Return(VideoWorker worker)
    {
        if (worker.Reusable && Idle.Count < MaxIdle)
        {
            Idle.Add(worker);
        }
        else
        {
            worker.Dispose();
        }
    }

    /// <summary>Stops the idle workers (tests; a process's workers also end with it).</summary>
    internal static void StopIdle()
    {
        while (Idle.TryTake(out var worker))
        {
            worker.Dispose();
        }
    }

    private static VideoDecoderKind Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => VideoDecoderKind.Auto,
        "worker" => VideoDecoderKind.Worker,
        "ffmpeg" => VideoDecoderKind.FfmpegPerFile,
        _ => throw new ArgumentException($"Unknown video decoder '{value}'. Use worker, ffmpeg or auto.", nameof(value)),
    };

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(ProgramVariable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? Path.GetFullPath(named) : throw new NotSupportedException($"{ProgramVariable}={named}: no such file.");
        }
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }
        return Find();
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string? Find()
    {
        var directory = Path.GetDirectoryName(typeof(VideoWorkerPool).Assembly.Location) is { Length: > 0 } d ? d : AppContext.BaseDirectory;
        // Next to SharpVL.dll (project builds, the tool), else the package's runtimes/linux-x64/native asset as an
        // application without a dependency manifest's help finds it.
        foreach (var candidate in new[]
                 {
                     Path.Combine(directory, FileName),
                     Path.Combine(directory, "runtimes", "linux-x64", "native", FileName),
                 })
        {
            if (File.Exists(candidate) && MakeExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>NuGet does not keep the executable bit when it extracts a package; the owner can set it again.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool MakeExecutable(string path)
    {
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception)
        {
            return false;
        }
    }
}
