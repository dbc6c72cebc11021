namespace SharpVL.Checkpoints;

/// <summary>
/// A weight file (safetensors, torch zip, sharded index) is corrupt, truncated, hostile or in an unsupported format.
/// The message is one line that names the file (and the tensor or entry, when there is one) and what is wrong;
/// <see cref="SharpVLException.FilePath"/> is the file.
/// </summary>
public sealed class CheckpointException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the file and the problem.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="innerException">The lower-level error (a zip or JSON reader's), kept for diagnostics.</param>
    public CheckpointException(string message, string path, Exception? innerException = null)
        : base(message, path, innerException)
    {
    }
}
