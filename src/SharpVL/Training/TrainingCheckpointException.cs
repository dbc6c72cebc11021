namespace SharpVL.Training;

/// <summary>A checkpoint that cannot be resumed (missing files, another run's settings).</summary>
public sealed class TrainingCheckpointException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    public TrainingCheckpointException(string message, string? path = null, Exception? innerException = null)
        : base(message, path, innerException)
    {
    }
}
