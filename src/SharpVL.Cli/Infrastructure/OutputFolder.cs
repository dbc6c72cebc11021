namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// An output folder that is written completely or not at all: files go into a fresh temporary sibling folder, and
/// <see cref="Commit"/> swaps it into place, so the destination never mixes files of an old run with a new one. An
/// existing non-empty destination is replaced only with <c>--overwrite</c>.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    private readonly string _destination;
    private bool _committed;

    /// <summary>Prepares writing into <paramref name="destination"/>.</summary>
    /// <exception cref="UsageException">The destination exists, is not empty, and <paramref name="overwrite"/> is false; or it is a file.</exception>
    public OutputFolder(string destination, bool overwrite)
    {
        _destination = Path.GetFullPath(destination.TrimEnd('/', '\\') is { Length: > 0 } trimmed ? trimmed : destination);
        if (File.Exists(_destination))
        {
            throw new UsageException($"--output: '{destination}' is a file, not a folder.");
        }
        if (Directory.Exists(_destination) && Directory.EnumerateFileSystemEntries(_destination).Any() && !overwrite)
        {
            throw new UsageException($"--output: '{destination}' already exists and is not empty; use --overwrite to replace it.");
        }
        var parent = Path.GetDirectoryName(_destination)!;
        Directory.CreateDirectory(parent);
        Staging = Path.Combine(parent, $".{Path.GetFileName(_destination)}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
        Directory.CreateDirectory(Staging);
    }

    /// <summary>The temporary folder to write into.</summary>
    public string Staging { get; }

    /// <summary>The path a file written as <paramref name="stagedPath"/> will have after <see cref="Commit"/>.</summary>
    public string FinalPath(string stagedPath) => Path.Combine(_destination, Path.GetRelativePath(Staging, stagedPath));

    /// <summary>Replaces the destination with the staged folder (the old one is removed only after the new one is in place).</summary>
    public void Commit()
    {
        string? old = null;
        if (Directory.Exists(_destination))
        {
            old = _destination + $".{Environment.ProcessId}.old";
            Directory.Move(_destination, old);
        }
        Directory.Move(Staging, _destination);
        _committed = true;
        if (old is not null)
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Removes the staged files unless they were committed (a failed or cancelled run leaves the destination as it was).</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }
}
