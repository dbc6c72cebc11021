namespace SharpVL.Processing.Video;

/// <summary>
/// Decode-time choices of a <see cref="VideoReader"/>. The defaults give PyAV's frames (stored orientation, damaged
/// streams decoded as far as they go with the damage reported) within bounds that stop hostile files.
/// </summary>
public sealed record VideoReadOptions
{
    /// <summary>The defaults.</summary>
    public static VideoReadOptions Default { get; } = new();

    /// <summary>
    /// Turn frames upright according to the stream's display matrix (phone clips record rotation there). Off by
    /// default: PyAV, and therefore Transformers' examples, return frames as stored. Multiples of 90° and flips are
    /// applied after the PyAV-exact RGB conversion, so an upright frame is exactly PyAV's frame rotated.
    /// </summary>
    public bool AutoRotate { get; init; }

    /// <summary>
    /// Fail on any damage: a decode error, a rejected packet or a frame decoded with concealed errors makes the read
    /// throw a <see cref="MediaException"/> instead of returning frames with a <see cref="DecodeReport"/>.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// How long a read may wait on ffmpeg / ffprobe without receiving anything before the child is killed and the read
    /// fails (a stalled decoder, a pipe or device that never ends). Time the caller spends between reads does not count.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest frame (width × height) the reader accepts; larger claims are refused before anything is allocated.</summary>
    public long MaxFramePixels { get; init; } = 8192L * 8192;

    /// <summary>Most bytes of RGB frames one read may hold in memory (<see cref="VideoReader.ReadAllFrames"/> of a long
    /// clip; many requested frames of a large one). Use <see cref="VideoReader.StreamFrames"/> for longer videos.</summary>
    public long MaxBufferedBytes { get; init; } = 4L << 30;

    /// <summary>Which processes decode (<see cref="VideoDecoderKind.Auto"/>: the video worker where it was built).</summary>
    public VideoDecoderKind Decoder { get; init; } = VideoDecoderKind.Auto;

    internal void Validate()
    {
        if (StallTimeout <= TimeSpan.Zero && StallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, "The stall timeout must be positive (or infinite).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFramePixels, 1, nameof(MaxFramePixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, 1, nameof(MaxBufferedBytes));
        if (!Enum.IsDefined(Decoder))
        {
            throw new ArgumentOutOfRangeException(nameof(Decoder), Decoder, "Unknown video decoder.");
        }
    }
}
