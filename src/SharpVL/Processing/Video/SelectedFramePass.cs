using System.Collections;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <summary>
/// Frames of a <see cref="VideoReader.StreamSelectedFrames"/> pass, yielded in increasing frame order as ffmpeg delivers
/// them; once the enumeration has run to its end, <see cref="Report"/> says what damage the decoder met.
/// </summary>
public sealed class SelectedFramePass : IEnumerable<(int Index, RgbImage Frame)>
{
    private readonly Func<SelectedFramePass, IEnumerable<(int Index, RgbImage Frame)>> _frames;

    internal SelectedFramePass(Func<SelectedFramePass, IEnumerable<(int Index, RgbImage Frame)>> frames)
    {
        _frames = frames;
    }

    /// <summary>The damage met while decoding; null until an enumeration has finished.</summary>
    public DecodeReport? Report { get; internal set; }

    /// <inheritdoc />
    public IEnumerator<(int Index, RgbImage Frame)> GetEnumerator() => _frames(this).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
