using System.Globalization;
using System.Text.Json;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <summary>
/// Decodes video files with the system <c>ffmpeg</c> / <c>ffprobe</c> executables into RGB frames that are
/// byte-identical to PyAV's <c>frame.to_ndarray(format="rgb24")</c> (same libavcodec decoder and swscale
/// conversion; no autorotation, every decoded frame numbered in presentation order).
/// </summary>
/// <remarks>
/// The executables are driven through <see cref="System.Diagnostics.Process"/> rather than a wrapper package:
/// the reader needs three things (a JSON probe, a frame-selecting filter, raw rgb24 on a pipe), and a wrapper
/// such as FFMpegCore would add a dependency without removing the need for ffmpeg on the machine.
/// </remarks>
public sealed class VideoReader
{
    /// <summary>Above this many distinct requested frames the select expression is skipped and frames are streamed.</summary>
    private const int MaxSelectTerms = 256;

    /// <summary>Creates a reader that runs the given executables (names are looked up on PATH).</summary>
    public VideoReader(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ffmpegPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(ffprobePath);
        FfmpegPath = ffmpegPath;
        FfprobePath = ffprobePath;
    }

    /// <summary>A reader using <c>ffmpeg</c> and <c>ffprobe</c> from PATH.</summary>
    public static VideoReader Default { get; } = new();

    /// <summary>The ffmpeg executable.</summary>
    public string FfmpegPath { get; }

    /// <summary>The ffprobe executable.</summary>
    public string FfprobePath { get; }

    /// <summary>Reads the first video stream's frame count, frame rate, size and duration, and whether there is audio.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable video (with ffprobe's message).</exception>
    /// <exception cref="FfmpegNotFoundException">ffprobe is not installed.</exception>
    public VideoInfo Probe(string path)
    {
        RequireFile(path);
        var (code, stdout, stderr) = FfmpegProcess.Run(FfprobePath,
            ["-v", "error", "-show_streams", "-show_format", "-of", "json", path]);
        if (code != 0)
        {
            throw Unreadable(path, stderr);
        }
        using var doc = ParseProbe(path, stdout);
        var root = doc.RootElement;
        JsonElement? video = null;
        bool hasAudio = false;
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                string? type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                if (type == "video" && video is null && !IsAttachedPicture(s))
                {
                    video = s;
                }
                hasAudio |= type == "audio";
            }
        }
        if (video is not JsonElement v)
        {
            throw new InvalidDataException($"'{path}' has no video stream.");
        }
        int width = v.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        int height = v.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException($"'{path}': ffprobe reports no frame size for the video stream.");
        }
        double fps = ParseRate(StringProperty(v, "avg_frame_rate"));
        if (fps == 0)
        {
            fps = ParseRate(StringProperty(v, "r_frame_rate"));
        }
        double seconds = ParseDouble(StringProperty(v, "duration"));
        if (seconds == 0 && root.TryGetProperty("format", out var format))
        {
            seconds = ParseDouble(StringProperty(format, "duration"));
        }
        int frames = (int)ParseDouble(StringProperty(v, "nb_frames"));
        if (frames <= 0)
        {
            frames = CountFrames(path);
        }
        string codec = StringProperty(v, "codec_name") ?? "unknown";
        return new VideoInfo(path, frames, fps, width, height, TimeSpan.FromSeconds(seconds), hasAudio, codec);
    }

    /// <summary>
    /// Decodes the frames at <paramref name="indices"/> (0-based, presentation order, any order, repeats allowed)
    /// and returns them in the requested order. Only frames up to the largest index are decoded, and only the
    /// requested ones are converted to RGB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the frame count.</exception>
    public IReadOnlyList<RgbImage> ReadFrames(string path, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var info = Probe(path);
        if (indices.Count == 0)
        {
            return [];
        }
        FrameSampling.Explicit(info.FrameCount, indices);
        var wanted = indices.Distinct().Order().ToArray();

        var args = BaseArguments(path);
        bool useSelect = wanted.Length <= MaxSelectTerms;
        if (useSelect)
        {
            args.AddRange(["-vf", "select='" + SelectExpression(wanted) + "'", "-frames:v", wanted.Length.ToString(CultureInfo.InvariantCulture)]);
        }
        else
        {
            args.AddRange(["-frames:v", (wanted[^1] + 1).ToString(CultureInfo.InvariantCulture)]);
        }
        args.AddRange(OutputArguments());

        var byIndex = new Dictionary<int, RgbImage>(wanted.Length);
        using (var process = FfmpegProcess.Start(FfmpegPath, args))
        {
            int frameBytes = info.Width * info.Height * 3;
            int next = 0; // position in wanted
            for (int decoded = 0; next < wanted.Length; decoded++)
            {
                var buffer = ReadFrame(process, frameBytes);
                if (buffer is null)
                {
                    process.WaitForExit();
                    throw new InvalidDataException(
                        $"'{path}': ffmpeg delivered only {next} of the {wanted.Length} requested frames " +
                        $"(largest index {wanted[^1]}, probe said {info.FrameCount} frames). {process.StderrExcerpt()}".TrimEnd());
                }
                int frameIndex = useSelect ? wanted[next] : decoded;
                if (frameIndex == wanted[next])
                {
                    byIndex[frameIndex] = new RgbImage(info.Width, info.Height, buffer);
                    next++;
                }
            }
        }
        var result = new List<RgbImage>(indices.Count);
        var used = new HashSet<int>();
        foreach (int i in indices)
        {
            var frame = byIndex[i];
            // Repeated indices get their own copy so that callers may modify frames independently.
            result.Add(used.Add(i) ? frame : new RgbImage(frame.Width, frame.Height, (byte[])frame.Pixels.Clone()));
        }
        return result;
    }

    /// <summary>Decodes every frame of the first video stream.</summary>
    public IReadOnlyList<RgbImage> ReadAllFrames(string path)
    {
        var info = Probe(path);
        var args = BaseArguments(path);
        args.AddRange(OutputArguments());
        var frames = new List<RgbImage>(Math.Max(info.FrameCount, 0));
        using var process = FfmpegProcess.Start(FfmpegPath, args);
        int frameBytes = info.Width * info.Height * 3;
        while (ReadFrame(process, frameBytes) is byte[] buffer)
        {
            frames.Add(new RgbImage(info.Width, info.Height, buffer));
        }
        int code = process.WaitForExit();
        if (code != 0 || frames.Count == 0)
        {
            throw new InvalidDataException($"'{path}': ffmpeg failed after {frames.Count} frames (exit code {code}). {process.StderrExcerpt()}".TrimEnd());
        }
        return frames;
    }

    private static List<string> BaseArguments(string path) =>
    [
        "-v", "error", "-nostdin",
        // PyAV hands out frames as stored; the ffmpeg CLI would otherwise apply rotation metadata.
        "-noautorotate",
        "-i", path,
        "-map", "0:v:0", "-an", "-sn", "-dn",
    ];

    private static string[] OutputArguments() =>
    [
        // Every decoded frame exactly once (no frame-rate conversion), converted by swscale like PyAV's reformat.
        "-vsync", "passthrough",
        "-sws_flags", "bilinear",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ];

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

    /// <summary>Reads one whole frame from ffmpeg's stdout; null at a clean end of stream.</summary>
    private static byte[]? ReadFrame(FfmpegProcess process, int frameBytes)
    {
        var buffer = new byte[frameBytes];
        int read = 0;
        while (read < frameBytes)
        {
            int n = process.StandardOutput.Read(buffer, read, frameBytes - read);
            if (n == 0)
            {
                return null;
            }
            read += n;
        }
        return buffer;
    }

    private int CountFrames(string path)
    {
        var (code, stdout, stderr) = FfmpegProcess.Run(FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "json", path]);
        if (code != 0)
        {
            throw Unreadable(path, stderr);
        }
        using var doc = ParseProbe(path, stdout);
        foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
        {
            return (int)ParseDouble(StringProperty(s, "nb_read_frames"));
        }
        return 0;
    }

    private static void RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Video file '{path}' does not exist.", path);
        }
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.GetInt32() == 1;

    private static JsonDocument ParseProbe(string path, string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': unexpected ffprobe output ({e.Message}).", e);
        }
    }

    private static InvalidDataException Unreadable(string path, string stderr)
    {
        string excerpt = stderr.Length > 600 ? stderr[^600..] : stderr;
        return new InvalidDataException($"'{path}' could not be read as a video: {(excerpt.Length > 0 ? excerpt : "ffprobe failed")}");
    }

    private static string? StringProperty(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()) : null;

    private static double ParseDouble(string? s) =>
        s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : 0;

    private static double ParseRate(string? s)
    {
        if (s is null)
        {
            return 0;
        }
        int slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return ParseDouble(s);
        }
        double num = ParseDouble(s[..slash]), den = ParseDouble(s[(slash + 1)..]);
        return den == 0 ? 0 : num / den;
    }
}
