using SharpVL.Processing.Video;

namespace SharpVL.Search;

/// <summary>
/// Cuts a video into overlapping fixed-length windows and picks each window's frames: <c>framesPerSegment</c> centres of
/// equal parts of the window, as the pipelines do for a whole clip. A video no longer than one window is one segment
/// over the whole clip, with exactly the frames <see cref="FrameSampling.Uniform"/> picks, so its embedding equals the
/// pipelines' default embedding of the file.
/// </summary>
public static class SegmentPlanner
{
    /// <summary>The segments of a video described by <paramref name="info"/>.</summary>
    /// <exception cref="InvalidDataException">The video has no frames.</exception>
    public static IReadOnlyList<VideoSegment> Plan(VideoInfo info, SegmentingOptions options, int framesPerSegment)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSegment);
        options.Validate();
        if (info.FrameCount <= 0)
        {
            throw new InvalidDataException($"'{info.Path}' has no video frames.");
        }
        // Time of frame i is i / fps; containers without a usable rate fall back to the duration.
        double fps = info.FramesPerSecond > 0 ? info.FramesPerSecond
            : info.Duration.TotalSeconds > 0 ? info.FrameCount / info.Duration.TotalSeconds : 1;
        double duration = info.FrameCount / fps;
        var starts = WindowStarts(duration, options);
        var segments = new List<VideoSegment>(starts.Count);
        foreach (var start in starts)
        {
            double end = Math.Min(duration, start + options.SegmentSeconds);
            int first = Math.Clamp((int)Math.Round(start * fps), 0, info.FrameCount - 1);
            int last = Math.Clamp((int)Math.Round(end * fps), first + 1, info.FrameCount); // exclusive
            var indices = FrameSampling.Uniform(last - first, framesPerSegment).Select(i => i + first).ToArray();
            segments.Add(new VideoSegment(segments.Count, start, end, indices, indices[indices.Length / 2]));
        }
        return segments;
    }

    /// <summary>Window starts 0, stride, 2·stride, ... and, when the last window stops short of the end, one more that ends there.</summary>
    private static List<double> WindowStarts(double duration, SegmentingOptions options)
    {
        var starts = new List<double> { 0 };
        // A small tolerance keeps rounding (e.g. 6.0000001 s) from adding a sliver window.
        const double epsilon = 1e-6;
        if (duration <= options.SegmentSeconds + epsilon)
        {
            return starts;
        }
        for (int k = 1; ; k++)
        {
            double start = k * options.StrideSeconds;
            if (start + options.SegmentSeconds >= duration - epsilon)
            {
                starts.Add(Math.Max(duration - options.SegmentSeconds, starts[^1]));
                break;
            }
            starts.Add(start);
        }
        return starts.Distinct().ToList();
    }
}
