using System.Globalization;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <content>Decoding a sparse selection of frames in one pass: the core of <see cref="ReadFrames(VideoInfo, IReadOnlyList{int}, CancellationToken)"/>
/// and the streaming form for long videos cut into many segments.</content>
public sealed partial class VideoReader
{
    /// <summary>
    /// Yields the frames at <paramref name="indices"/> in increasing order, each once, from a single ffmpeg pass that
    /// converts only the selected frames to RGB. Unlike <see cref="ReadFrames(string, IReadOnlyList{int}, CancellationToken)"/>
    /// it holds no frames itself, so a caller can walk an hour-long video with bounded memory. After the enumeration,
    /// <see cref="SelectedFramePass.Report"/> holds the damage met.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the frame count.</exception>
    /// <exception cref="FramesUnavailableException">The stream yields fewer frames than announced, so a requested one does not exist.</exception>
    /// <exception cref="MediaException">The file cannot be read or decoded, or it is damaged and <see cref="VideoReadOptions.Strict"/> is set.</exception>
    public SelectedFramePass StreamSelectedFrames(string path, IReadOnlyCollection<int> indices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var info = Probe(path, cancellationToken);
        FrameSampling.Explicit(info.FrameCount, [.. indices]);
        var wanted = indices.Distinct().Order().ToArray();
        if (wanted.Length == 0)
        {
            return new SelectedFramePass(_ => []) { Report = DecodeReport.Clean };
        }
        return new SelectedFramePass(stream => DecodeSelected(info, wanted, useSelect: true, stream, cancellationToken));
    }

    /// <summary>
    /// One pass over the stream up to <paramref name="wanted"/>'s last frame, yielding the wanted frames in order, from the
    /// video worker or an ffmpeg process (<see cref="ProcessFrames"/>). A stream that ends early throws
    /// <see cref="FramesUnavailableException"/>; damage is checked against <see cref="VideoReadOptions.Strict"/> and stored
    /// in <paramref name="stream"/>.
    /// </summary>
    private IEnumerable<(int Index, RgbImage Frame)> DecodeSelected(
        VideoInfo info, int[] wanted, bool useSelect, SelectedFramePass stream, CancellationToken cancellationToken)
    {
        var log = new FfmpegLog(MediaInput.Url(info.Path));
        var tally = new DecodeTally();
        var frames = UsesWorker
            ? WorkerFrames(info, wanted, log, tally, cancellationToken)
            : ProcessFrames(info, wanted, useSelect, log, tally, cancellationToken);
        int next = 0; // position in wanted
        foreach (var frame in frames)
        {
            next++;
            yield return frame;
        }
        var report = log.Report();
        if (next < wanted.Length)
        {
            // The stream has fewer frames than announced: learn how many it has, so callers can choose again.
            int available = tally.Decoded ?? CountFrames(info.Path, info.StreamIndex, cancellationToken);
            throw Missing(info, available, wanted[^1], report, log);
        }
        RequireClean(info.Path, report);
        stream.Report = report;
    }

    /// <summary>
    /// The wanted frames from an ffmpeg process. With <paramref name="useSelect"/> ffmpeg converts only those (a select
    /// filter); otherwise every frame comes through the pipe and the others are dropped here (for selections too large
    /// for one filter expression), and <paramref name="tally"/> learns how many frames a short stream has.
    /// </summary>
    private IEnumerable<(int Index, RgbImage Frame)> ProcessFrames(
        VideoInfo info, int[] wanted, bool useSelect, FfmpegLog log, DecodeTally tally, CancellationToken cancellationToken)
    {
        long frameBytes = FrameBytes(info);
        int width = info.FrameWidth(Options.AutoRotate), height = info.FrameHeight(Options.AutoRotate);
        int next = 0;
        int decoded = 0;
        using var process = StartDecoder(info, log, useSelect ? wanted : null, wanted[^1] + 1, cancellationToken);
        for (; next < wanted.Length; decoded++)
        {
            var buffer = new byte[frameBytes];
            if (!process.ReadExactly(buffer, info.Path))
            {
                process.WaitForExit(info.Path, cancellationToken);
                tally.Decoded = useSelect ? null : decoded;
                break;
            }
            int frameIndex = useSelect ? wanted[next] : decoded;
            if (frameIndex == wanted[next])
            {
                next++;
                yield return (frameIndex, new RgbImage(width, height, buffer));
            }
        }
        process.ThrowIfInterrupted(info.Path, cancellationToken);
    }

    /// <summary>
    /// The wanted frames from a video worker (returned to the pool once its request has ended normally). A stream that
    /// ends early has been decoded to its end, so <paramref name="tally"/> learns its frame count.
    /// </summary>
    private IEnumerable<(int Index, RgbImage Frame)> WorkerFrames(
        VideoInfo info, int[] wanted, FfmpegLog log, DecodeTally tally, CancellationToken cancellationToken)
    {
        var worker = VideoWorkerPool.Rent(Options.StallTimeout);
        try
        {
            int status = 0, next = 0;
            var frames = worker.Decode(info.Path, MediaInput.Url(info.Path), ConversionFilters(info), info.StreamIndex, Options.MaxFramePixels,
                wanted, log, (code, decoded) => (status, tally.Decoded) = (code, decoded), cancellationToken);
            int width = info.FrameWidth(Options.AutoRotate), height = info.FrameHeight(Options.AutoRotate);
            foreach (var (index, frame) in frames)
            {
                if (next >= wanted.Length || index != wanted[next])
                {
                    worker.Dispose();
                    throw new MediaException(info.Path, $"the video worker sent frame {index} out of order; it was stopped.");
                }
                if (frame.Width != width || frame.Height != height)
                {
                    // The memory bound and every caller count on the announced size; a stream that changes it mid-way
                    // (or claims a small size and delivers a huge one) is refused rather than decoded at any size.
                    throw new MediaException(info.Path, string.Create(CultureInfo.InvariantCulture,
                        $"frame {index} is {frame.Width}×{frame.Height}, not the {width}×{height} the stream announces (the frame size changes mid-stream)."));
                }
                next++;
                yield return (index, frame);
            }
            if (status != 0 && next < wanted.Length)
            {
                var report = log.Report();
                throw new MediaException(info.Path, $"could not be decoded: {Describe(report, log)}");
            }
        }
        finally
        {
            VideoWorkerPool.Return(worker);
        }
    }

    /// <summary>How many frames a stream that ended early turned out to have, when the pass that read it knows.</summary>
    private sealed class DecodeTally
    {
        public int? Decoded { get; set; }
    }
}
