using System.Globalization;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <content>Streaming a sparse selection of frames from one decoding pass (for long videos cut into many segments).</content>
public sealed partial class VideoReader
{
    /// <summary>Above this many characters the select expression goes into a filter script file (one argument may hold 128 KiB).</summary>
    private const int MaxInlineFilterLength = 8192;

    /// <summary>
    /// Yields the frames at <paramref name="indices"/> in increasing order, each once, from a single ffmpeg pass that
    /// converts only the selected frames to RGB. Unlike <see cref="ReadFrames"/> it holds no frames itself, so a caller
    /// can walk an hour-long video with bounded memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the frame count.</exception>
    /// <exception cref="InvalidDataException">ffmpeg delivers fewer frames than requested.</exception>
    public IEnumerable<(int Index, RgbImage Frame)> StreamSelectedFrames(string path, IReadOnlyCollection<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var info = Probe(path);
        FrameSampling.Explicit(info.FrameCount, [.. indices]);
        var wanted = indices.Distinct().Order().ToArray();
        return wanted.Length == 0 ? [] : Stream();

        IEnumerable<(int, RgbImage)> Stream()
        {
            string filter = "select='" + SelectExpression(wanted) + "'";
            string? script = null;
            var args = BaseArguments(info);
            if (filter.Length > MaxInlineFilterLength)
            {
                script = Path.GetTempFileName();
                File.WriteAllText(script, filter);
                args.AddRange(["-filter_script:v", script]);
            }
            else
            {
                args.AddRange(["-vf", filter]);
            }
            args.AddRange(["-frames:v", wanted.Length.ToString(CultureInfo.InvariantCulture)]);
            args.AddRange(OutputArguments());
            try
            {
                using var process = FfmpegProcess.Start(FfmpegPath, args);
                int frameBytes = info.Width * info.Height * 3;
                for (int next = 0; next < wanted.Length; next++)
                {
                    var buffer = ReadFrame(process, frameBytes);
                    if (buffer is null)
                    {
                        process.WaitForExit();
                        throw new InvalidDataException(
                            $"'{path}': ffmpeg delivered only {next} of the {wanted.Length} requested frames " +
                            $"(largest index {wanted[^1]}, probe said {info.FrameCount} frames). {process.StderrExcerpt()}".TrimEnd());
                    }
                    yield return (wanted[next], new RgbImage(info.Width, info.Height, buffer));
                }
            }
            finally
            {
                if (script is not null)
                {
                    File.Delete(script);
                }
            }
        }
    }
}
