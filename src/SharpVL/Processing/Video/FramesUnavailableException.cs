namespace SharpVL.Processing.Video;

/// <summary>
/// A requested frame does not exist because the stream yields fewer frames than its container announced (frames lost
/// to damage, or a wrong count in the header). <see cref="AvailableFrames"/> frames can be decoded; a caller may choose
/// its frames again among those.
/// </summary>
public sealed class FramesUnavailableException : MediaException
{
    /// <summary>Creates the exception.</summary>
    public FramesUnavailableException(string path, int availableFrames, int announcedFrames, int requestedFrame, DecodeReport report, string problem)
        : base(path, problem)
    {
        AvailableFrames = availableFrames;
        AnnouncedFrames = announcedFrames;
        RequestedFrame = requestedFrame;
        Report = report;
    }

    /// <summary>How many frames the stream really yields.</summary>
    public int AvailableFrames { get; }

    /// <summary>How many frames the container announced (<see cref="VideoInfo.FrameCount"/>).</summary>
    public int AnnouncedFrames { get; }

    /// <summary>The largest frame index that was requested.</summary>
    public int RequestedFrame { get; }

    /// <summary>The damage met while decoding.</summary>
    public DecodeReport Report { get; }
}
