using SharpVL.Checkpoints;

namespace SharpVL.Hub;

/// <summary>Reads the shard list of a sharded checkpoint index (<c>model.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>).</summary>
public static class ShardIndex
{
    /// <summary>
    /// Distinct shard file names of the index's <c>weight_map</c>, in first-seen order; parsed by the same rules as
    /// loading (<see cref="ShardedCheckpoint"/>), so whatever is downloaded is what loads.
    /// </summary>
    /// <exception cref="CheckpointException">The file is not JSON, has no <c>weight_map</c> of file names, or a name leaves the directory.</exception>
    public static IReadOnlyList<string> ReadShardFiles(string indexPath)
        => [.. ShardedCheckpoint.ReadIndex(indexPath).WeightMap.Select(entry => entry.Value).Distinct(StringComparer.Ordinal)];
}
