namespace SharpVL.Search;

/// <summary>One time span of a video and the frames that represent it.</summary>
/// <param name="Ordinal">Position of the segment in its video (0-based).</param>
/// <param name="StartSeconds">Start of the span.</param>
/// <param name="EndSeconds">End of the span (exclusive).</param>
/// <param name="FrameIndices">The frames (0-based, presentation order) the model sees for this span.</param>
/// <param name="ThumbnailFrame">The frame shown as the segment's thumbnail (the sampled frame nearest the middle).</param>
public sealed record VideoSegment(int Ordinal, double StartSeconds, double EndSeconds, IReadOnlyList<int> FrameIndices, int ThumbnailFrame);
