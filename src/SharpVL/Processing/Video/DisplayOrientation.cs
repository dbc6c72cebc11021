using System.Globalization;

namespace SharpVL.Processing.Video;

/// <summary>
/// A stream's display matrix reduced to what turns stored frames upright: a rotation by a multiple of 90° and an
/// optional mirror. Phones record their orientation this way instead of rotating the pixels.
/// </summary>
/// <param name="Rotation">Degrees the display turns the picture counterclockwise (0, 90, 180 or 270), as ffprobe's
/// <c>rotation</c> reports it; 90 means the stored frame must be turned 90° counterclockwise.</param>
/// <param name="Filters">The ffmpeg filters (<c>transpose</c>, <c>hflip</c>, <c>vflip</c>) that make a stored frame upright.</param>
public sealed record DisplayOrientation(int Rotation, IReadOnlyList<string> Filters)
{
    /// <summary>Frames are stored upright.</summary>
    public static DisplayOrientation Upright { get; } = new(0, []);

    /// <summary>Whether upright frames have width and height exchanged.</summary>
    public bool SwapsAxes => Filters.Any(f => f.StartsWith("transpose", StringComparison.Ordinal));

    /// <summary>
    /// Reads a 3×3 display matrix (the nine 32-bit entries, row by row, as in ISO BMFF <c>tkhd</c> and ffprobe's
    /// <c>displaymatrix</c>) the way the ffmpeg 6 CLI's autorotation does: rotations by multiples of 90°, with mirrors.
    /// Other angles are not turned (<see cref="Upright"/>).
    /// </summary>
    public static DisplayOrientation FromMatrix(IReadOnlyList<long> m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Count != 9)
        {
            return Upright;
        }
        // libavutil av_display_rotation_get: the counterclockwise angle of the first column (16.16 fixed point).
        double scale0 = Math.Sqrt((double)m[0] * m[0] + (double)m[3] * m[3]);
        double scale1 = Math.Sqrt((double)m[1] * m[1] + (double)m[4] * m[4]);
        if (scale0 == 0 || scale1 == 0)
        {
            return Upright;
        }
        double rotation = -Math.Atan2(m[1] / scale1, m[0] / scale0) * 180 / Math.PI;
        double theta = -Math.Round(rotation); // the clockwise turn that makes the frame upright
        theta -= 360 * Math.Floor(theta / 360 + 0.9 / 360);
        int ccw = (int)((360 - theta) % 360);
        IReadOnlyList<string> filters = theta switch
        {
            _ when Math.Abs(theta - 90) < 1 => [m[3] > 0 ? "transpose=cclock_flip" : "transpose=clock"],
            _ when Math.Abs(theta - 180) < 1 => [.. m[0] < 0 ? ["hflip"] : Array.Empty<string>(), .. m[4] < 0 ? ["vflip"] : Array.Empty<string>()],
            _ when Math.Abs(theta - 270) < 1 => [m[3] < 0 ? "transpose=clock_flip" : "transpose=cclock"],
            _ when Math.Abs(theta) < 1 => m[4] < 0 ? ["vflip"] : [],
            _ => [],
        };
        return filters.Count == 0 ? Upright : new DisplayOrientation(ccw, filters);
    }

    /// <summary>Parses ffprobe's <c>displaymatrix</c> text ("00000000:  0  65536  0" rows); null when it is not one.</summary>
    internal static IReadOnlyList<long>? ParseFfprobeMatrix(string text)
    {
        var values = new List<long>(9);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            foreach (var token in line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                {
                    return null;
                }
                values.Add(v);
            }
        }
        return values.Count == 9 ? values : null;
    }
}
