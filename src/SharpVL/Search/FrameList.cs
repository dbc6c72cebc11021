using System.Globalization;

namespace SharpVL.Search;

/// <summary>Frame indices as stored in an index: a comma-separated list.</summary>
internal static class FrameList
{
    public static string Format(IReadOnlyList<int> frames) => string.Join(',', frames.Select(f => f.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<int> Parse(string text) => text.Length == 0 ? [] : Pipelines.FrameSelection.ParseIndices(text);
}
