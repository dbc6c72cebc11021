using System.Collections;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <summary>Frames decoded from a file, in the order they were requested, with what went wrong while decoding them.</summary>
public sealed class VideoFrames : IReadOnlyList<RgbImage>
{
    private readonly IReadOnlyList<RgbImage> _frames;

    internal VideoFrames(IReadOnlyList<RgbImage> frames, VideoInfo info, DecodeReport report)
    {
        _frames = frames;
        Info = info;
        Report = report;
    }

    /// <summary>The probed stream.</summary>
    public VideoInfo Info { get; }

    /// <summary>Decode errors and damaged frames met while decoding (<see cref="DecodeReport.IsClean"/> for an intact stream).</summary>
    public DecodeReport Report { get; }

    /// <inheritdoc />
    public int Count => _frames.Count;

    /// <inheritdoc />
    public RgbImage this[int index] => _frames[index];

    /// <inheritdoc />
    public IEnumerator<RgbImage> GetEnumerator() => _frames.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
