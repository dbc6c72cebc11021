using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <content>Streaming a sparse selection of frames from one decoding pass (for long videos cut into many segments).</content>
public sealed partial class VideoReader
{
    /// <summary>
    /// Yields the frames at <paramref name="indices"/> in increasing order, each once, from a single ffmpeg pass that
    /// converts only the selected frames to RGB. Unlike <see cref="ReadFrames(string, IReadOnlyList{int}, CancellationToken)"/>
    /// it holds no frames itself, so a caller can walk an hour-long video with bounded memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the frame count.</exception>
    /// <exception cref="FramesUnavailableException">The stream yields fewer frames than announced, so a requested one does not exist.</exception>
    /// <exception cref="MediaException">The file cannot be read or decoded, or it is damaged and <see cref="VideoReadOptions.Strict"/> is set.</exception>
    public IEnumerable<(int Index, RgbImage Frame)> StreamSelectedFrames(
        string path, IReadOnlyCollection<int> indices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var info = Probe(path, cancellationToken);
        FrameSampling.Explicit(info.FrameCount, [.. indices]);
        var wanted = indices.Distinct().Order().ToArray();
        return wanted.Length == 0 ? [] : Stream();

        IEnumerable<(int, RgbImage)> Stream()
        {
            long frameBytes = FrameBytes(info);
            int width = info.FrameWidth(Options.AutoRotate), height = info.FrameHeight(Options.AutoRotate);
            var log = new FfmpegLog(MediaInput.Url(info.Path));
            int next = 0;
            using (var process = StartDecoder(info, log, wanted, null, cancellationToken))
            {
                for (; next < wanted.Length; next++)
                {
                    var buffer = new byte[frameBytes];
                    if (!process.ReadExactly(buffer, info.Path))
                    {
                        process.WaitForExit(info.Path, cancellationToken);
                        break;
                    }
                    yield return (wanted[next], new RgbImage(width, height, buffer));
                }
                process.ThrowIfInterrupted(info.Path, cancellationToken);
            }
            var report = log.Report();
            if (next < wanted.Length)
            {
                throw Missing(info, CountFrames(info.Path, info.StreamIndex, cancellationToken), wanted[^1], report, log);
            }
            RequireClean(info.Path, report);
        }
    }
}
