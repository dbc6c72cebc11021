using System.Globalization;
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
public sealed partial class VideoReader
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

        var args = BaseArguments(info);
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
    public IReadOnlyList<RgbImage> ReadAllFrames(string path) => StreamFrames(path).ToList();

    /// <summary>
    /// Yields every frame of the first video stream as ffmpeg produces it. ffmpeg decodes ahead in its own process
    /// while the caller works on earlier frames, so decoding and preprocessing overlap.
    /// </summary>
    public IEnumerable<RgbImage> StreamFrames(string path)
    {
        var info = Probe(path);
        return Stream();

        IEnumerable<RgbImage> Stream()
        {
            var args = BaseArguments(info);
            args.AddRange(OutputArguments());
            using var process = FfmpegProcess.Start(FfmpegPath, args);
            int frameBytes = info.Width * info.Height * 3;
            var count = 0;
            while (ReadFrame(process, frameBytes) is byte[] buffer)
            {
                count++;
                yield return new RgbImage(info.Width, info.Height, buffer);
            }
            int code = process.WaitForExit();
            if (code != 0 || count == 0)
            {
                throw new InvalidDataException($"'{path}': ffmpeg failed after {count} frames (exit code {code}). {process.StderrExcerpt()}".TrimEnd());
            }
        }
    }

    private static List<string> BaseArguments(VideoInfo info) =>
    [
        "-v", "error", "-nostdin",
        // PyAV hands out frames as stored; the ffmpeg CLI would otherwise apply rotation metadata.
        "-noautorotate",
        "-i", info.Path,
        "-map", "0:" + info.StreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
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

}
