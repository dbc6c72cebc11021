using System.Globalization;
using System.Text.Json;

namespace SharpVL.Processing.Video;

/// <content>Probing a file with ffprobe.</content>
public sealed partial class VideoReader
{
    /// <summary>
    /// Reads the first video stream's frame count, frame rate, size, pixel format, orientation and duration, and
    /// whether there is audio.
    /// </summary>
    /// <exception cref="MediaException">The file is missing, not a regular file, empty, not a readable video, or claims a
    /// frame larger than <see cref="VideoReadOptions.MaxFramePixels"/>; or ffprobe stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffprobe is not installed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (ffprobe is stopped).</exception>
    public VideoInfo Probe(string path, CancellationToken cancellationToken = default)
    {
        MediaInput.RequireFile(path, "video");
        var log = new FfmpegLog(MediaInput.Url(path));
        var json = UsesWorker ? ProbeWithWorker(path, log, cancellationToken) : ProbeWithFfprobe(path, log, cancellationToken);
        if (json is null)
        {
            throw Unreadable(path, log);
        }
        using var doc = ParseProbe(path, json);
        var root = doc.RootElement;
        JsonElement? video = null;
        bool hasAudio = false;
        if (root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in streams.EnumerateArray())
            {
                string? type = StringProperty(s, "codec_type");
                if (type == "video" && video is null && !IsAttachedPicture(s))
                {
                    video = s;
                }
                hasAudio |= type == "audio";
            }
        }
        if (video is not JsonElement v)
        {
            throw new MediaException(path, "has no video stream.");
        }
        long width = (long)ParseDouble(StringProperty(v, "width"));
        long height = (long)ParseDouble(StringProperty(v, "height"));
        if (width <= 0 || height <= 0)
        {
            throw new MediaException(path, "ffprobe reports no frame size for the video stream.");
        }
        if (width * height > Options.MaxFramePixels)
        {
            throw new MediaException(path, string.Create(CultureInfo.InvariantCulture,
                $"the video claims {width}×{height} frames, more than the limit of {Options.MaxFramePixels} pixels per frame (VideoReadOptions.MaxFramePixels)."));
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
        int streamIndex = (int)Math.Clamp(ParseDouble(StringProperty(v, "index")), 0, int.MaxValue);
        double claimed = ParseDouble(StringProperty(v, "nb_frames"));
        // A count the container cannot hold for real (or none at all) is established by decoding.
        int frames = claimed is >= 1 and <= int.MaxValue ? (int)claimed : CountFrames(path, streamIndex, cancellationToken);
        if (frames <= 0)
        {
            throw new MediaException(path, "no video frame could be decoded.");
        }
        return new VideoInfo(path, frames, fps, (int)width, (int)height, SafeTimeSpan(seconds), hasAudio,
            StringProperty(v, "codec_name") ?? "unknown", streamIndex, StringProperty(v, "pix_fmt") ?? "", Orientation(v));
    }

    /// <summary>ffprobe's JSON for <paramref name="path"/>, or null when ffprobe cannot read it.</summary>
    private string? ProbeWithFfprobe(string path, FfmpegLog log, CancellationToken cancellationToken)
    {
        var (code, stdout) = FfmpegProcess.Run(FfprobePath,
            ["-loglevel", "repeat+level+error", "-show_streams", "-show_format", "-of", "json", MediaInput.Url(path)],
            log, Options.StallTimeout, path, cancellationToken: cancellationToken);
        return code == 0 ? stdout : null;
    }

    /// <summary>The same JSON from a video worker, or null when libav cannot open the file.</summary>
    private string? ProbeWithWorker(string path, FfmpegLog log, CancellationToken cancellationToken)
    {
        var worker = VideoWorkerPool.Rent(Options.StallTimeout);
        try
        {
            return worker.Probe(path, MediaInput.Url(path), log, cancellationToken);
        }
        finally
        {
            VideoWorkerPool.Return(worker);
        }
    }

    /// <summary>Counts the frames the decoder yields by decoding the stream (no RGB conversion).</summary>
    private int CountFrames(string path, int streamIndex, CancellationToken cancellationToken)
    {
        var log = new FfmpegLog(MediaInput.Url(path));
        if (UsesWorker)
        {
            var worker = VideoWorkerPool.Rent(Options.StallTimeout);
            try
            {
                // As below: a stream where nothing decodes is a count of zero with decode errors.
                return worker.CountFrames(path, MediaInput.Url(path), streamIndex, log, cancellationToken)
                    ?? (log.Report().IsClean ? throw Unreadable(path, log) : 0);
            }
            finally
            {
                VideoWorkerPool.Return(worker);
            }
        }
        // -progress reports on stdout twice a second, so a long file is progress, not a stall.
        var (code, stdout) = FfmpegProcess.Run(FfmpegPath,
        [
            "-loglevel", "repeat+level+error", "-nostdin", "-noautorotate", "-thread_type", "slice", "-i", MediaInput.Url(path),
            "-map", "0:" + streamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
            "-max_error_rate", "1", "-fps_mode", "passthrough", "-f", "null", "-progress", "pipe:1", "-nostats", "-",
        ], log, Options.StallTimeout, path, maxStdoutChars: int.MaxValue / 2, cancellationToken: cancellationToken);
        // A stream where nothing decodes makes ffmpeg fail too (no frame to set up its output from): that is a count of
        // zero with decode errors, which callers report as such, not an unreadable file.
        if (code != 0 && log.Report().IsClean)
        {
            throw Unreadable(path, log);
        }
        int frames = 0;
        foreach (var line in stdout.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("frame=") && int.TryParse(line[6..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            {
                frames = n;
            }
        }
        return frames;
    }

    private static DisplayOrientation Orientation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in sideData.EnumerateArray())
            {
                if (StringProperty(entry, "displaymatrix") is string text && DisplayOrientation.ParseFfprobeMatrix(text) is { } matrix)
                {
                    return DisplayOrientation.FromMatrix(matrix);
                }
            }
        }
        // Older muxers: a "rotate" tag giving the clockwise turn that makes the frame upright.
        if (stream.TryGetProperty("tags", out var tags) && StringProperty(tags, "rotate") is string rotate
            && int.TryParse(rotate, NumberStyles.Integer, CultureInfo.InvariantCulture, out int clockwise))
        {
            double radians = -clockwise * Math.PI / 180; // the matrix turns the picture counterclockwise by -clockwise
            long c = (long)Math.Round(Math.Cos(radians) * 65536), s = (long)Math.Round(Math.Sin(radians) * 65536);
            return DisplayOrientation.FromMatrix([c, -s, 0, s, c, 0, 0, 0, 1L << 30]);
        }
        return DisplayOrientation.Upright;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.ValueKind == JsonValueKind.Object
        && ParseDouble(StringProperty(d, "attached_pic")) == 1;

    private static JsonDocument ParseProbe(string path, string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new MediaException(path, $"unexpected ffprobe output ({e.Message}).", e);
        }
    }

    private static MediaException Unreadable(string path, FfmpegLog log)
    {
        string excerpt = log.Excerpt();
        if (excerpt.Length > 600)
        {
            excerpt = "..." + excerpt[^600..];
        }
        return new MediaException(path, "could not be read as a video: " + (excerpt.Length > 0 ? excerpt : "the probe failed"));
    }

    private static TimeSpan SafeTimeSpan(double seconds) =>
        seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    private static string? StringProperty(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p)
            ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText())
            : null;

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
