namespace SharpVL.Processing;

/// <summary>
/// A media file (video, audio or image) that cannot be read: missing, not a regular file, corrupt, hostile (absurd
/// sizes, decompression bombs) or damaged beyond what the caller allows, or a decoder that failed or stalled.
/// The message is one line that starts with the file name.
/// </summary>
public class MediaException : SharpVLException
{
    /// <summary>Creates the exception; the message becomes <c>'path': problem</c>.</summary>
    /// <param name="path">The media file.</param>
    /// <param name="problem">What is wrong, as a sentence fragment (no file name).</param>
    /// <param name="innerException">The lower-level error, kept for diagnostics.</param>
    public MediaException(string path, string problem, Exception? innerException = null)
        : base($"'{path}': {problem}", path, innerException)
    {
    }

}
