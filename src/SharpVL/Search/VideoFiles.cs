namespace SharpVL.Search;

/// <summary>Which files search treats as videos (examples given to <c>--like</c>, uploads to the server).</summary>
public static class VideoFiles
{
    /// <summary>Video extensions (lower case, with the dot).</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts", ".wmv", ".flv", ".3gp", ".ogv",
    };

    /// <summary>Whether <paramref name="path"/> has a video extension.</summary>
    public static bool IsVideo(string path) => Extensions.Contains(Path.GetExtension(path));
}
