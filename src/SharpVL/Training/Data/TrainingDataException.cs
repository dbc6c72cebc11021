namespace SharpVL.Training.Data;

/// <summary>Training data that cannot be used (empty, one class, a missing column, unreadable videos).</summary>
public sealed class TrainingDataException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the data file or folder and the problem.</param>
    /// <param name="path">The data file or folder.</param>
    /// <param name="innerException">The lower-level error.</param>
    public TrainingDataException(string message, string? path = null, Exception? innerException = null)
        : base(message, path, innerException)
    {
    }
}
