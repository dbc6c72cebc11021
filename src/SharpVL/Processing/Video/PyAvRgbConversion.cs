using System.Text.RegularExpressions;

namespace SharpVL.Processing.Video;

/// <summary>
/// The swscale settings of PyAV 10's <c>frame.to_ndarray(format="rgb24")</c>, expressed as an ffmpeg <c>scale</c> filter.
/// </summary>
/// <remarks>
/// PyAV's <c>VideoReformatter</c> calls <c>sws_getCachedContext(w, h, src, w, h, rgb24, SWS_BILINEAR)</c> and, because
/// source and destination colorspace are both <c>DEFAULT</c>, never calls <c>sws_setColorspaceDetails</c>: the frame's
/// colour tags are ignored. swscale then uses its default matrix (<c>SWS_CS_DEFAULT</c> = ITU-R BT.601) and takes the
/// source range from the pixel format alone (libswscale's <c>handle_jpeg</c>: full range for the <c>yuvj*</c>, grey
/// and grey+alpha formats, limited range for every other YUV format). The ffmpeg CLI's automatically inserted scaler
/// instead honours the frame's <c>colorspace</c> and <c>color_range</c> (up to ~40 levels apart for BT.709 or
/// full-range tags), so the reader inserts this filter to pin the matrix and range to PyAV's choice.
/// </remarks>
internal static partial class PyAvRgbConversion
{
    /// <summary>The <c>scale</c> filter that converts frames of <paramref name="pixelFormat"/> exactly as PyAV does.</summary>
    internal static string ScaleFilter(string pixelFormat) =>
        "scale=in_color_matrix=bt601:out_color_matrix=bt601" +
        $":in_range={(IsFullRangeBySwscale(pixelFormat) ? "pc" : "tv")}:out_range=pc:flags=bilinear";

    /// <summary>Whether swscale treats <paramref name="pixelFormat"/> as full range by default (libswscale 6 <c>handle_jpeg</c>).</summary>
    internal static bool IsFullRangeBySwscale(string pixelFormat) => FullRangeFormat().IsMatch(pixelFormat);

    [GeneratedRegex("^(yuvj(420|411|422|444|440)p|gray|ya8|gray(9|10|12|14|16)(le|be)|ya16(le|be))$")]
    private static partial Regex FullRangeFormat();
}
