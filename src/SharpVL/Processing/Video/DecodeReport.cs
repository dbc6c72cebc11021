using System.Globalization;

namespace SharpVL.Processing.Video;

/// <summary>
/// What went wrong while a video was decoded. A clean stream has all counts at zero. Damage is counted over the part of
/// the stream that was decoded (up to the last requested frame; a few packets further with frame threading).
/// </summary>
/// <param name="ErrorCount">Error messages the demuxer and decoder logged (a damaged slice, a rejected packet, a read
/// past the end of a truncated file); one damaged packet may produce several.</param>
/// <param name="RejectedPackets">Packets the decoder rejected outright (each is a point where PyAV raises
/// <c>InvalidDataError</c>); their frames are missing, so later frame numbers shift.</param>
/// <param name="CorruptFrames">Frames the decoder delivered but flagged as damaged (errors concealed).</param>
/// <param name="Messages">The first distinct messages, for diagnostics.</param>
public sealed record DecodeReport(int ErrorCount, int RejectedPackets, int CorruptFrames, IReadOnlyList<string> Messages)
{
    /// <summary>A stream without damage.</summary>
    public static DecodeReport Clean { get; } = new(0, 0, 0, []);

    /// <summary>
    /// How many of the frames the container announced do not decode, when the stream turned out shorter than announced
    /// and the caller chose its frames again among those that exist (0 otherwise).
    /// </summary>
    public int MissingFrames { get; init; }

    /// <summary>Whether nothing went wrong.</summary>
    public bool IsClean => ErrorCount == 0 && RejectedPackets == 0 && CorruptFrames == 0 && MissingFrames == 0;

    /// <summary>One line for a warning, e.g. "7 decode errors, 2 damaged frames (first: h264: Invalid NAL unit size (0 &gt; 4439).)".</summary>
    public string Summary()
    {
        if (IsClean)
        {
            return "no decode errors";
        }
        var parts = new List<string>();
        if (ErrorCount > 0)
        {
            parts.Add(Count(ErrorCount, "decode error"));
        }
        if (RejectedPackets > 0)
        {
            parts.Add(Count(RejectedPackets, "rejected packet"));
        }
        if (CorruptFrames > 0)
        {
            parts.Add(Count(CorruptFrames, "damaged frame"));
        }
        if (MissingFrames > 0)
        {
            parts.Add(Count(MissingFrames, "announced frame") + " missing");
        }
        string first = Messages.Count > 0 ? $" (first: {Messages[0]})" : "";
        return string.Join(", ", parts) + first;
    }

    private static string Count(int n, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {what}{(n == 1 ? "" : "s")}");
}
