namespace SharpVL.Search;

/// <summary>How a video is cut into the segments that are embedded and searched.</summary>
public sealed record SegmentingOptions
{
    /// <summary>Length of each segment's time span in seconds (default 4).</summary>
    public double SegmentSeconds { get; init; } = 4;

    /// <summary>Seconds between the starts of consecutive segments (default 2: 50% overlap).</summary>
    public double StrideSeconds { get; init; } = 2;

    /// <summary>The defaults: 4 s windows every 2 s.</summary>
    public static SegmentingOptions Default { get; } = new();

    /// <summary>Checks that both lengths are positive and finite and the stride does not leave gaps.</summary>
    /// <exception cref="ArgumentException">A length is not a positive finite number, or the stride exceeds the segment length.</exception>
    public void Validate()
    {
        if (!double.IsFinite(SegmentSeconds) || SegmentSeconds <= 0)
        {
            throw new ArgumentException($"The segment length must be a positive number of seconds (got {SegmentSeconds}).");
        }
        if (!double.IsFinite(StrideSeconds) || StrideSeconds <= 0)
        {
            throw new ArgumentException($"The stride must be a positive number of seconds (got {StrideSeconds}).");
        }
        if (StrideSeconds > SegmentSeconds)
        {
            throw new ArgumentException($"A stride of {StrideSeconds} s is longer than the {SegmentSeconds} s segments: parts of the videos would never be indexed.");
        }
    }
}
