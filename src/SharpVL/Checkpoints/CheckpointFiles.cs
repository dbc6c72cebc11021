namespace SharpVL.Checkpoints;

/// <summary>The kinds of weight files a model directory can hold.</summary>
public enum CheckpointKind
{
    /// <summary>A single <c>model.safetensors</c>.</summary>
    SafeTensors,

    /// <summary><c>model.safetensors.index.json</c> plus safetensors shards.</summary>
    ShardedSafeTensors,

    /// <summary>A single <c>pytorch_model.bin</c> (torch zip format).</summary>
    PyTorch,

    /// <summary><c>pytorch_model.bin.index.json</c> plus <c>.bin</c> shards.</summary>
    ShardedPyTorch,
}

/// <summary>The weight file chosen in a model directory, and what kind it is.</summary>
/// <param name="Path">Full path of the file (the index file for sharded checkpoints).</param>
/// <param name="Kind">How the file is read.</param>
public sealed record CheckpointLocation(string Path, CheckpointKind Kind);

/// <summary>Finds and opens the weights of a Hugging Face model directory, preferring files as Transformers does.</summary>
public static class CheckpointFiles
{
    /// <summary>The file names looked for, in order of preference (safetensors before pickle, single before sharded).</summary>
    public static IReadOnlyList<(string FileName, CheckpointKind Kind)> Candidates { get; } =
    [
        ("model.safetensors", CheckpointKind.SafeTensors),
        ("model.safetensors.index.json", CheckpointKind.ShardedSafeTensors),
        ("pytorch_model.bin", CheckpointKind.PyTorch),
        ("pytorch_model.bin.index.json", CheckpointKind.ShardedPyTorch),
    ];

    /// <summary>
    /// The weight file <see cref="Open(string)"/> would use in <paramref name="directory"/>, or null when there is none.
    /// Throws <see cref="DirectoryNotFoundException"/> when the directory does not exist.
    /// </summary>
    public static CheckpointLocation? Find(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Model directory '{directory}' does not exist.");
        }
        foreach (var (fileName, kind) in Candidates)
        {
            var path = Path.GetFullPath(Path.Combine(directory, fileName));
            if (File.Exists(path))
            {
                return new CheckpointLocation(path, kind);
            }
        }
        return null;
    }

    /// <summary>
    /// Opens the weights in <paramref name="directory"/> (see <see cref="Find"/>). Throws
    /// <see cref="FileNotFoundException"/> listing the names looked for when there are none.
    /// </summary>
    public static ITensorSource Open(string directory)
    {
        var location = Find(directory) ?? throw new FileNotFoundException(
            $"No model weights in '{directory}': looked for {string.Join(", ", Candidates.Select(c => c.FileName))}.");
        return Open(location);
    }

    /// <summary>Opens a weight file found by <see cref="Find"/>.</summary>
    public static ITensorSource Open(CheckpointLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Kind switch
        {
            CheckpointKind.SafeTensors => SafeTensorsFile.Open(location.Path),
            CheckpointKind.PyTorch => PyTorchCheckpointFile.Open(location.Path),
            CheckpointKind.ShardedSafeTensors or CheckpointKind.ShardedPyTorch => ShardedCheckpoint.Open(location.Path),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Kind, "Unknown checkpoint kind."),
        };
    }
}
