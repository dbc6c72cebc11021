using System.Text.Json;
using SharpVL.Checkpoints;

namespace SharpVL.Hub;

/// <summary>Reads the shard list of a sharded checkpoint index (<c>model.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>).</summary>
public static class ShardIndex
{
    /// <summary>Distinct shard file names of the index's <c>weight_map</c>, in first-seen order.</summary>
    /// <exception cref="CheckpointException">The file is not JSON or has no <c>weight_map</c> of file names.</exception>
    public static IReadOnlyList<string> ReadShardFiles(string indexPath)
    {
        var document = IO.UntrustedJson.Parse(
            File.ReadAllBytes(indexPath), $"Shard index '{indexPath}'", (problem, e) => new CheckpointException(problem + ".", indexPath, e));
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var weightMap)
                || weightMap.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException($"Shard index '{indexPath}' has no 'weight_map' object.", indexPath);
            }

            var shards = new List<string>();
            foreach (var entry in weightMap.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { Length: > 0 } shard)
                {
                    throw new CheckpointException($"Shard index '{indexPath}': weight_map['{TextForMessages.Printable(entry.Name)}'] is not a file name.", indexPath);
                }

                if (!IsSafeRelativeName(shard))
                {
                    throw new CheckpointException($"Shard index '{indexPath}': weight_map['{TextForMessages.Printable(entry.Name)}'] = '{TextForMessages.Printable(shard)}' is not a file inside the repository.", indexPath);
                }

                if (!shards.Contains(shard))
                {
                    shards.Add(shard);
                }
            }

            if (shards.Count == 0)
            {
                throw new CheckpointException($"Shard index '{indexPath}' has an empty 'weight_map'.", indexPath);
            }

            return shards;
        }
    }

    private static bool IsSafeRelativeName(string name)
    {
        try
        {
            HubNames.SplitFilename(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
