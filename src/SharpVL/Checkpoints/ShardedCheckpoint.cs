using System.Collections.ObjectModel;
using System.Text.Json;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>
/// A checkpoint split into shards by an index file (<c>model.safetensors.index.json</c> or
/// <c>pytorch_model.bin.index.json</c>: <c>{"metadata": {...}, "weight_map": {key: shard file}}</c>). Shards are
/// opened on first use and stay open until this is disposed.
/// </summary>
public sealed class ShardedCheckpoint : ITensorSource
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _weightMap;
    private readonly Dictionary<string, ITensorSource> _openShards = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private bool _disposed;

    private ShardedCheckpoint(string indexPath, List<KeyValuePair<string, string>> weightMap, Dictionary<string, string> metadata)
    {
        IndexPath = indexPath;
        _directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        _weightMap = weightMap.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Keys = weightMap.Select(kv => kv.Key).ToList().AsReadOnly();
        Shards = weightMap.Select(kv => kv.Value).Distinct(StringComparer.Ordinal).ToList().AsReadOnly();
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
    }

    /// <summary>The index file this was opened from.</summary>
    public string IndexPath { get; }

    /// <summary>Every key in the index's weight map, in index order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The shard file names (relative to the index's directory), in order of first use in the weight map.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>The index's <c>metadata</c> entries, as strings (e.g. <c>total_size</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Reads the index at <paramref name="indexPath"/>. Shard names must be plain file names next to the index;
    /// every shard must exist (a missing one raises <see cref="FileNotFoundException"/> naming it).
    /// </summary>
    public static ShardedCheckpoint Open(string indexPath)
    {
        var (weightMap, metadata) = ReadIndex(indexPath);
        var checkpoint = new ShardedCheckpoint(indexPath, weightMap, metadata);
        foreach (var shard in checkpoint.Shards)
        {
            checkpoint.CheckShardExists(shard);
        }
        return checkpoint;
    }

    /// <summary>
    /// Parses an index file (the one parser of <c>*.index.json</c>, used by the loader and the Hub download): its
    /// weight map in file order, every shard a plain file name next to the index, and its metadata.
    /// </summary>
    /// <exception cref="CheckpointException">The file is not an index, or a shard name leaves the directory.</exception>
    internal static (List<KeyValuePair<string, string>> WeightMap, Dictionary<string, string> Metadata) ReadIndex(string indexPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexPath);
        if (!File.Exists(indexPath))
        {
            throw new FileNotFoundException($"Checkpoint index '{indexPath}' does not exist.", indexPath);
        }
        var info = new FileInfo(indexPath);
        if (info.Length > SafeTensorsHeader.MaxHeaderBytes)
        {
            throw new CheckpointException($"'{indexPath}': {info.Length} bytes is too large for a checkpoint index.", indexPath);
        }

        var document = IO.UntrustedJson.Parse(
            File.ReadAllBytes(indexPath), $"'{indexPath}'", (problem, e) => new CheckpointException(problem + ".", indexPath, e));
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException($"'{indexPath}' has no \"weight_map\" object.", indexPath);
            }
            var weightMap = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw new CheckpointException($"'{indexPath}': weight_map entry '{TextForMessages.Printable(entry.Name)}' is not a file name.", indexPath);
                }
                if (!seen.Add(entry.Name))
                {
                    throw new CheckpointException($"'{indexPath}': weight_map lists '{TextForMessages.Printable(entry.Name)}' twice.", indexPath);
                }
                var shard = entry.Value.GetString()!;
                CheckShardName(indexPath, entry.Name, shard);
                weightMap.Add(new(entry.Name, shard));
            }
            if (weightMap.Count == 0)
            {
                throw new CheckpointException($"'{indexPath}' has an empty \"weight_map\".", indexPath);
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                foreach (var item in meta.EnumerateObject())
                {
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
                }
            }

            return (weightMap, metadata);
        }
    }

    /// <inheritdoc />
    public TensorMetadata GetMetadata(string key)
    {
        var (shard, source) = ShardOf(key);
        return Keyed(shard, key, () => source.GetMetadata(key));
    }

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key)
    {
        var (shard, source) = ShardOf(key);
        return Keyed(shard, key, () => source.ReadTensor(key));
    }

    /// <summary>Closes every shard opened so far.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var shard in _openShards.Values)
            {
                shard.Dispose();
            }
            _openShards.Clear();
        }
    }

    private T Keyed<T>(string shard, string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (KeyNotFoundException e)
        {
            throw new CheckpointException($"'{IndexPath}' maps tensor '{key}' to shard '{shard}', which does not contain it.", IndexPath, e);
        }
    }

    private (string Shard, ITensorSource Source) ShardOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_weightMap.TryGetValue(key, out var shard))
        {
            throw new KeyNotFoundException($"Tensor '{key}' is not in the weight map of '{IndexPath}'.");
        }
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_openShards.TryGetValue(shard, out var source))
            {
                CheckShardExists(shard);
                var path = System.IO.Path.Combine(_directory, shard);
                source = shard.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                    ? SafeTensorsFile.Open(path)
                    : PyTorchCheckpointFile.Open(path);
                _openShards[shard] = source;
            }
            return (shard, source);
        }
    }

    private void CheckShardExists(string shard)
    {
        var path = System.IO.Path.Combine(_directory, shard);
        if (!File.Exists(path))
        {
            // The index is what is wrong (or the download is incomplete): it names a file that is not there.
            throw new CheckpointException($"'{IndexPath}': shard '{shard}' it lists is missing (looked for '{path}').", IndexPath);
        }
    }

    // Shard names come from an untrusted file: keep them inside the checkpoint directory.
    private static void CheckShardName(string indexPath, string key, string shard)
    {
        if (shard.Length == 0 || shard is "." or ".." || shard.IndexOfAny(['/', '\\', '\0']) >= 0 || System.IO.Path.IsPathRooted(shard))
        {
            throw new CheckpointException($"'{indexPath}': shard name '{TextForMessages.Printable(shard)}' for tensor '{TextForMessages.Printable(key)}' must be a plain file name next to the index.", indexPath);
        }
    }
}
