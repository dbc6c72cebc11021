namespace SharpVL.Checkpoints;

/// <summary>
/// Turns the zip reader's own errors ("A local file header is corrupt.", an unknown compression method, a deflate
/// stream that ends early) into a <see cref="CheckpointException"/> that names the checkpoint and the entry.
/// </summary>
internal static class ZipFaults
{
    public static T Guard<T>(string path, string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CheckpointException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException or OverflowException)
        {
            throw new CheckpointException($"'{path}': corrupt zip archive while reading {what}: {e.Message}", path, e);
        }
    }
}
