namespace SharpVL;

/// <summary>
/// Base of every error SharpVL raises for bad input or an unusable environment: a missing, corrupt or hostile file,
/// an invalid configuration, undecodable media, a failed download. The message is one line that names the file (or
/// resource) and the problem, fit to show a user as it is; hosts and the CLI catch this type rather than a list of
/// framework exceptions.
/// </summary>
public class SharpVLException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the file or resource and what is wrong with it.</param>
    /// <param name="path">The file the problem is in, when there is one.</param>
    /// <param name="innerException">The lower-level error, kept for diagnostics.</param>
    public SharpVLException(string message, string? path = null, Exception? innerException = null)
        : base(TextForMessages.OneLine(message), innerException)
    {
        FilePath = path;
    }

    /// <summary>The file the problem is in, or null when it is not about one file.</summary>
    public string? FilePath { get; }
}
