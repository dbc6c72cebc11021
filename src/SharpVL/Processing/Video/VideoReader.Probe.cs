using System.Globalization;
using System.Text.Json;

namespace SharpVL.Processing.Video;

/// <content>Probing a file with ffprobe.</content>
public sealed partial class VideoReader
{
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
            frames = CountFrames(path, v.TryGetProperty("index", out var idx) ? idx.GetInt32() : 0);
        }
        string codec = StringProperty(v, "codec_name") ?? "unknown";
        int streamIndex = v.TryGetProperty("index", out var index) ? index.GetInt32() : 0;
        return new VideoInfo(path, frames, fps, width, height, TimeSpan.FromSeconds(seconds), hasAudio, codec, streamIndex);
    }


    private int CountFrames(string path, int streamIndex)
    {
        var (code, stdout, stderr) = FfmpegProcess.Run(FfprobePath,
            ["-v", "error", "-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture), "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "json", path]);
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
