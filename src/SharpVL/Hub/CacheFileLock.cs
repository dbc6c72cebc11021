namespace SharpVL.Hub;

/// <summary>
/// Exclusive lock on a <c>.locks/.../{etag}.lock</c> file so two downloads of the same blob (from this process,
/// another SharpVL process or Python) never write the same <c>.incomplete</c> file. On Unix .NET takes the lock with
/// <c>flock</c>, the same primitive Python's <c>filelock</c> uses, so the two interoperate.
/// </summary>
internal sealed class CacheFileLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private CacheFileLock(FileStream stream) => _stream = stream;

    public static async Task<CacheFileLock> AcquireAsync(string lockPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new CacheFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Held by another download of the same blob; it finishes or dies (releasing the lock) eventually.
                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
