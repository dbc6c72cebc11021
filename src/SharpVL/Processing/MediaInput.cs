namespace SharpVL.Processing;

/// <summary>Checks on a media path before any decoder sees it, and the form in which ffmpeg gets it.</summary>
internal static class MediaInput
{
    /// <summary>
    /// The path as an ffmpeg input URL. The <c>file:</c> protocol with an absolute path means no file name can be read
    /// as an option (<c>-report.mp4</c>), another protocol (<c>concat:</c>, <c>http:</c>, <c>pipe:</c>) or a pipe.
    /// </summary>
    internal static string Url(string path) => "file:" + Path.GetFullPath(path);

    /// <summary>Throws a <see cref="MediaException"/> unless <paramref name="path"/> is a non-empty regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">"video", "audio", "image" or "media", for the message.</param>
    internal static void RequireFile(string path, string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new MediaException(path, $"is a directory, not a {kind} file.");
        }
        if (!File.Exists(path))
        {
            throw new MediaException(path, $"{kind} file does not exist.");
        }
        // Pipes, sockets and devices report no size; they could stall a decoder or never end.
        if (new FileInfo(path).Length == 0)
        {
            throw new MediaException(path, $"is empty (0 bytes) or not a regular file; a {kind} file was expected.");
        }
    }
}
