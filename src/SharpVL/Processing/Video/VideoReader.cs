using System.Globalization;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <summary>
/// Decodes video files with the system's libav libraries into RGB frames that are byte-identical to PyAV 10's
/// <c>frame.to_ndarray(format="rgb24")</c> for every pixel format, range and colour tag (same libavcodec decoder with
/// PyAV's slice threading, and the swscale conversion PyAV asks for: see <see cref="PyAvRgbConversion"/>); no
/// autorotation unless <see cref="VideoReadOptions.AutoRotate"/>; every decoded frame numbered in presentation order.
/// </summary>
/// <remarks>
/// Two decoders give the same frames (<see cref="VideoReadOptions.Decoder"/>): the video worker, one long-lived
/// <c>sharpvl-video-worker</c> process that probes and decodes file after file, and the
/// <c>ffprobe</c> / <c>ffmpeg</c> executables started per file, driven through <see cref="System.Diagnostics.Process"/>
/// rather than a wrapper package (the reader needs a JSON probe, a frame-selecting filter and raw rgb24 on a pipe; a
/// wrapper such as FFMpegCore would add a dependency without removing the need for ffmpeg). Both run as child
/// processes, so a decoder crash on a hostile file never takes the application down. Damaged streams are decoded as
/// far as they go; what went wrong comes back as a <see cref="DecodeReport"/>.
/// </remarks>
public sealed partial class VideoReader
{
    /// <summary>Above this many distinct requested frames the select expression is skipped and frames are streamed.</summary>
    private const int MaxSelectTerms = 256;

    /// <summary>Above this many characters the filter goes into a filter script file.</summary>
    private const int MaxInlineFilterLength = 8192;

    private readonly VideoReadOptions _options = VideoReadOptions.Default;

    /// <summary>Creates a reader that runs the given executables (names are looked up on PATH).</summary>
    public VideoReader(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ffmpegPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(ffprobePath);
        FfmpegPath = ffmpegPath;
        FfprobePath = ffprobePath;
    }

    /// <summary>A reader using <c>ffmpeg</c> and <c>ffprobe</c> from PATH with the default options.</summary>
    public static VideoReader Default { get; } = new();

    /// <summary>
    /// What <see cref="VideoDecoderKind.Auto"/> decodes with in this process: <see cref="VideoDecoderKind.Worker"/> where the
    /// video worker was built (unless <c>SHARPVL_VIDEO_DECODER=ffmpeg</c>), else <see cref="VideoDecoderKind.FfmpegPerFile"/>.
    /// </summary>
    /// <exception cref="NotSupportedException"><c>SHARPVL_VIDEO_DECODER</c> names an unknown decoder or a worker this machine
    /// lacks, or <c>SHARPVL_VIDEO_WORKER</c> a missing program.</exception>
    /// <remarks>The first call checks the worker once (it starts it and compares its libav versions with ffmpeg's).</remarks>
    public static VideoDecoderKind AutoDecoder => VideoWorkerPool.Resolve(VideoDecoderKind.Auto, defaultExecutables: true);

    /// <summary>
    /// The decoder <c>SHARPVL_VIDEO_DECODER</c> asks for, or null when it is unset. Cheap (nothing is started): applications
    /// call it at start-up so that a bad value is a start-up error rather than every video's.
    /// </summary>
    /// <exception cref="NotSupportedException">An unknown decoder, a worker this machine lacks, or a <c>SHARPVL_VIDEO_WORKER</c>
    /// naming a missing program.</exception>
    public static VideoDecoderKind? DecoderFromEnvironment => VideoWorkerPool.DecoderFromEnvironment;

    /// <summary>The ffmpeg executable.</summary>
    public string FfmpegPath { get; }

    /// <summary>The ffprobe executable.</summary>
    public string FfprobePath { get; }

    /// <summary>Decode-time options (autorotation, strictness, time and memory bounds).</summary>
    public VideoReadOptions Options
    {
        get => _options;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>
    /// Decodes the frames at <paramref name="indices"/> (0-based, presentation order, any order, repeats allowed)
    /// and returns them in the requested order. Only frames up to the largest index are decoded, and only the
    /// requested ones are converted to RGB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the frame count.</exception>
    /// <exception cref="FramesUnavailableException">The stream yields fewer frames than its container announced (damage, or a
    /// wrong count), so a requested frame does not exist; the exception says how many do.</exception>
    /// <exception cref="MediaException">The file cannot be read, no frame decodes, the stream is damaged and
    /// <see cref="VideoReadOptions.Strict"/> is set, ffmpeg stalled, or the frames would exceed the memory bound.</exception>
    public VideoFrames ReadFrames(string path, IReadOnlyList<int> indices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return ReadFrames(Probe(path, cancellationToken), indices, cancellationToken);
    }

    /// <summary>Like <see cref="ReadFrames(string, IReadOnlyList{int}, CancellationToken)"/> for a file already probed.</summary>
    public VideoFrames ReadFrames(VideoInfo info, IReadOnlyList<int> indices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(indices);
        FrameSampling.Explicit(info.FrameCount, indices);
        if (indices.Count == 0)
        {
            return new VideoFrames([], info, DecodeReport.Clean);
        }
        var wanted = indices.Distinct().Order().ToArray();
        long frameBytes = FrameBytes(info);
        RequireMemory(info, wanted.Length, frameBytes);

        var byIndex = new Dictionary<int, RgbImage>(wanted.Length);
        var stream = new SelectedFramePass(s => DecodeSelected(info, wanted, wanted.Length <= MaxSelectTerms, s, cancellationToken));
        foreach (var (index, frame) in stream)
        {
            byIndex[index] = frame;
        }
        var report = stream.Report!;

        var result = new List<RgbImage>(indices.Count);
        var used = new HashSet<int>();
        foreach (int i in indices)
        {
            var frame = byIndex[i];
            // Repeated indices get their own copy so that callers may modify frames independently.
            result.Add(used.Add(i) ? frame : new RgbImage(frame.Width, frame.Height, (byte[])frame.Pixels.Clone()));
        }
        return new VideoFrames(result, info, report);
    }

    /// <summary>Decodes every frame of the first video stream (at most <see cref="VideoReadOptions.MaxBufferedBytes"/> of them).</summary>
    /// <exception cref="MediaException">See <see cref="ReadFrames(string, IReadOnlyList{int}, CancellationToken)"/>.</exception>
    public VideoFrames ReadAllFrames(string path, CancellationToken cancellationToken = default)
    {
        var info = Probe(path, cancellationToken);
        long frameBytes = FrameBytes(info);
        var frames = new List<RgbImage>();
        var log = new FfmpegLog(MediaInput.Url(info.Path));
        foreach (var frame in Decode(info, log, cancellationToken))
        {
            RequireMemory(info, frames.Count + 1, frameBytes);
            frames.Add(frame);
        }
        return new VideoFrames(frames, info, log.Report());
    }

    /// <summary>
    /// Yields every frame of the first video stream as ffmpeg produces it. ffmpeg decodes ahead in its own process
    /// while the caller works on earlier frames, so decoding and preprocessing overlap. Stopping the enumeration early
    /// stops ffmpeg. Damage does not interrupt the stream unless <see cref="VideoReadOptions.Strict"/> is set, in which
    /// case the enumeration throws at its end.
    /// </summary>
    public IEnumerable<RgbImage> StreamFrames(string path, CancellationToken cancellationToken = default)
    {
        var info = Probe(path, cancellationToken);
        return Decode(info, new FfmpegLog(MediaInput.Url(info.Path)), cancellationToken);
    }

    private IEnumerable<RgbImage> Decode(VideoInfo info, FfmpegLog log, CancellationToken cancellationToken)
    {
        long frameBytes = FrameBytes(info);
        int width = info.FrameWidth(Options.AutoRotate), height = info.FrameHeight(Options.AutoRotate);
        var count = 0;
        int code;
        using (var process = StartDecoder(info, log, null, null, cancellationToken))
        {
            while (true)
            {
                var buffer = new byte[frameBytes];
                if (!process.ReadExactly(buffer, info.Path))
                {
                    break;
                }
                count++;
                yield return new RgbImage(width, height, buffer);
            }
            code = process.WaitForExit(info.Path, cancellationToken);
        }
        var report = log.Report();
        if (count == 0)
        {
            throw new MediaException(info.Path, $"no video frame could be decoded (ffmpeg exit code {code}): {Describe(report, log)}");
        }
        RequireClean(info.Path, report);
    }

    private FfmpegProcess StartDecoder(VideoInfo info, FfmpegLog log, int[]? select, int? maxFrames, CancellationToken cancellationToken)
    {
        string filter = select is null ? ConversionFilters(info) : "select='" + SelectExpression(select) + "'," + ConversionFilters(info);
        // A long select expression goes into a filter script file (one argument may hold only 128 KiB).
        string? script = null;
        if (filter.Length > MaxInlineFilterLength)
        {
            script = Path.GetTempFileName();
            File.WriteAllText(script, filter);
        }
        var args = new List<string>
        {
            // Warnings are needed for "corrupt decoded frame"; each message on its own line, tagged with its level.
            "-loglevel", "repeat+level+warning", "-nostdin",
            // Keep decoding past damage (the CLI gives up when 2/3 of the packets fail); damage is reported instead.
            "-max_error_rate", "1",
            // PyAV hands out frames as stored; the ffmpeg CLI would otherwise apply rotation metadata itself.
            "-noautorotate",
            // PyAV decodes with slice threads only; the CLI's default frame threading conceals errors in damaged streams
            // differently from run to run.
            "-thread_type", "slice",
            "-i", MediaInput.Url(info.Path),
            "-map", "0:" + info.StreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
        };
        args.AddRange(script is null ? ["-vf", filter] : ["-filter_script:v", script]);
        int? frameLimit = select?.Length ?? maxFrames;
        if (frameLimit is int limit)
        {
            args.AddRange(["-frames:v", limit.ToString(CultureInfo.InvariantCulture)]);
        }
        args.AddRange(
        [
            // Every decoded frame exactly once (no frame-rate conversion).
            "-fps_mode", "passthrough",
            "-sws_flags", "bilinear",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ]);
        try
        {
            var process = FfmpegProcess.Start(FfmpegPath, args, log, Options.StallTimeout, cancellationToken: cancellationToken);
            process.ScratchFile = script;
            return process;
        }
        catch when (script is not null)
        {
            File.Delete(script);
            throw;
        }
    }

    /// <summary>The filters from decoded frames to the reader's RGB frames: PyAV's conversion, then the optional turn upright.</summary>
    private string ConversionFilters(VideoInfo info)
    {
        var filters = new List<string> { PyAvRgbConversion.ScaleFilter(info.PixelFormat) };
        if (Options.AutoRotate && info.Orientation is { Filters.Count: > 0 } orientation)
        {
            // Turn the RGB frames, not the YUV planes: upright frames are then exactly PyAV's frames turned.
            filters.Add("format=rgb24");
            filters.AddRange(orientation.Filters);
        }
        return string.Join(",", filters);
    }

    /// <summary>Whether this reader decodes with the video worker (<see cref="VideoReadOptions.Decoder"/>).</summary>
    private bool UsesWorker =>
        VideoWorkerPool.Resolve(Options.Decoder, FfmpegPath == "ffmpeg" && FfprobePath == "ffprobe") == VideoDecoderKind.Worker;

    private long FrameBytes(VideoInfo info)
    {
        long pixels = (long)info.Width * info.Height;
        if (pixels <= 0 || pixels > Options.MaxFramePixels)
        {
            throw new MediaException(info.Path, string.Create(CultureInfo.InvariantCulture,
                $"{info.Width}×{info.Height} frames exceed the limit of {Options.MaxFramePixels} pixels per frame (VideoReadOptions.MaxFramePixels)."));
        }
        return pixels * 3;
    }

    private void RequireMemory(VideoInfo info, long frames, long frameBytes)
    {
        if (frames * frameBytes > Options.MaxBufferedBytes)
        {
            throw new MediaException(info.Path, string.Create(CultureInfo.InvariantCulture,
                $"{frames} frames of {info.Width}×{info.Height} need {frames * frameBytes} bytes, more than the limit of {Options.MaxBufferedBytes} (VideoReadOptions.MaxBufferedBytes); request fewer frames or use StreamFrames."));
        }
    }

    private void RequireClean(string path, DecodeReport report)
    {
        if (Options.Strict && !report.IsClean)
        {
            throw new MediaException(path, $"damaged video stream: {report.Summary()} (strict decoding).");
        }
    }

    private static MediaException Missing(VideoInfo info, int available, int largest, DecodeReport report, FfmpegLog log)
    {
        string damage = report.IsClean ? "" : $" ({report.Summary()})";
        if (available == 0)
        {
            return new MediaException(info.Path, $"no video frame could be decoded{(report.IsClean ? ": " + log.Excerpt() : damage)}.");
        }
        return new FramesUnavailableException(info.Path, available, info.FrameCount, largest, report,
            string.Create(CultureInfo.InvariantCulture,
                $"only {available} of the {info.FrameCount} frames the container announces can be decoded{damage}; frame {largest} does not exist."));
    }

    private static string Describe(DecodeReport report, FfmpegLog log) => report.IsClean ? log.Excerpt() : report.Summary();

    /// <summary>A select-filter expression true exactly on the given sorted frame numbers (runs merged).</summary>
    private static string SelectExpression(int[] sorted)
    {
        var terms = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            terms.Add(i == j
                ? string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{sorted[i]})")
                : string.Create(CultureInfo.InvariantCulture, $"between(n\\,{sorted[i]}\\,{sorted[j]})"));
            i = j + 1;
        }
        return string.Join("+", terms);
    }
}
