namespace SharpVL.Cli.Inputs;

/// <summary>What kind of media file a command takes (folders are searched for files of this kind).</summary>
public enum MediaKind
{
    /// <summary>Video files (mp4, mkv, webm, ...), decoded by ffmpeg.</summary>
    Video,

    /// <summary>Still images (JPEG, PNG, BMP, GIF, WebP).</summary>
    Image,
}

/// <summary>File-name extensions and content sniffing for <see cref="MediaKind"/>.</summary>
public static class MediaKinds
{
    /// <summary>Extensions (lower case, with the dot) a folder search picks up as videos.</summary>
    public static IReadOnlySet<string> VideoExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts", ".3gp", ".ogv",
    };

    /// <summary>Extensions (lower case, with the dot) a folder search picks up as images.</summary>
    public static IReadOnlySet<string> ImageExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
    };

    /// <summary>The extensions a folder search uses for <paramref name="kind"/>.</summary>
    public static IReadOnlySet<string> ExtensionsOf(MediaKind kind) => kind == MediaKind.Video ? VideoExtensions : ImageExtensions;

    /// <summary>"a video" or "an image", for messages.</summary>
    public static string WithArticle(MediaKind kind) => kind == MediaKind.Video ? "a video" : "an image";

    /// <summary>"video" or "image", for messages.</summary>
    public static string Noun(MediaKind kind) => kind == MediaKind.Video ? "video" : "image";

    /// <summary>
    /// The kind of a file judged by its first bytes (JPEG, PNG, GIF, BMP and WebP signatures are images), then by its
    /// extension; <c>null</c> when neither says. Content wins, so <c>photo.mp4</c> holding a JPEG is an image.
    /// </summary>
    public static MediaKind? Detect(string path)
    {
        Span<byte> head = stackalloc byte[12];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            read = 0;
        }
        if (IsImageSignature(head[..read]))
        {
            return MediaKind.Image;
        }
        var extension = Path.GetExtension(path);
        return ImageExtensions.Contains(extension) ? MediaKind.Image
            : VideoExtensions.Contains(extension) ? MediaKind.Video
            : null;
    }

    private static bool IsImageSignature(ReadOnlySpan<byte> head)
        => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) // JPEG
        || head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) // PNG
        || head.StartsWith("GIF8"u8)
        || head.Length >= 6 && head.StartsWith("BM"u8) && head[2..6].IndexOfAnyExcept((byte)0) >= 0 // BMP: "BM" + file size
        || head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8);
}
