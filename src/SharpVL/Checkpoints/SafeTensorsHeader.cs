using System.Text.Json;

namespace SharpVL.Checkpoints;

/// <summary>Where one tensor's bytes lie in the data region of a safetensors file.</summary>
internal sealed record SafeTensorsEntry(TensorMetadata Metadata, long Begin, long End);

/// <summary>
/// Parses and validates a safetensors JSON header. The header is untrusted input: every offset, shape and dtype
/// is checked against the file before any tensor memory is allocated.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The reference implementation's limit; a larger header is a corrupt or hostile file.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    /// <summary>Parses <paramref name="json"/>; entries come back in data order (the order they lie in the file).</summary>
    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string path)
    {
        var document = IO.UntrustedJson.Parse(json.ToArray(), $"'{path}': safetensors header", (problem, e) => new CheckpointException(problem + ".", path, e), maxDepth: 8);
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException($"'{path}': safetensors header must be a JSON object, found {root.ValueKind}.", path);
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new CheckpointException($"'{path}': key '{TextForMessages.Printable(property.Name)}' appears twice in the safetensors header.", path);
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, dataLength, path));
                }
            }

            // Stable sort keeps header order among zero-length tensors sharing an offset.
            var ordered = entries.Select((entry, index) => (entry, index))
                .OrderBy(x => x.entry.Begin).ThenBy(x => x.entry.End).ThenBy(x => x.index)
                .Select(x => x.entry).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Begin < ordered[i - 1].End)
                {
                    throw new CheckpointException(
                        $"'{path}': tensor '{ordered[i].Metadata.Name}' (bytes {ordered[i].Begin}..{ordered[i].End}) overlaps " +
                        $"tensor '{ordered[i - 1].Metadata.Name}' (bytes {ordered[i - 1].Begin}..{ordered[i - 1].End}).", path);
                }
            }
            return (ordered, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"'{path}': '{MetadataKey}' must be an object of strings, found {value.ValueKind}.", path);
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointException($"'{path}': '{MetadataKey}' entry '{TextForMessages.Printable(item.Name)}' must be a string, found {item.Value.ValueKind}.", path);
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ReadEntry(string key, JsonElement value, long dataLength, string path)
    {
        string Where() => $"'{path}', tensor '{TextForMessages.Printable(key)}'";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"{Where()}: header entry must be an object, found {value.ValueKind}.", path);
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointException($"{Where()}: missing string field 'dtype'.", path);
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtypeName, out var dtype))
        {
            throw new CheckpointException($"{Where()}: unknown or unsupported dtype '{TextForMessages.Printable(dtypeName)}'.", path);
        }

        var shape = ReadIntegers(value, "shape", Where, path);
        var offsets = ReadIntegers(value, "data_offsets", Where, path);
        if (shape.Length > TensorExtent.MaxRank)
        {
            throw new CheckpointException($"{Where()}: shape has {shape.Length} dimensions, more than {TensorExtent.MaxRank}.", path);
        }
        if (offsets.Length != 2)
        {
            throw new CheckpointException($"{Where()}: 'data_offsets' must hold exactly 2 numbers, found {offsets.Length}.", path);
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw new CheckpointException($"{Where()}: data_offsets [{begin}, {end}] begin after they end.", path);
        }
        if (end > dataLength)
        {
            throw new CheckpointException(
                $"{Where()}: data_offsets [{begin}, {end}] reach past the data region ({dataLength} bytes; is the file truncated?).", path);
        }

        if (TensorExtent.DenseBytes(shape, SafeTensorsDType.ElementSize(dtype)) is not long expected)
        {
            throw new CheckpointException($"{Where()}: shape {TensorExtent.Format(shape)} is too large (its size overflows 64 bits).", path);
        }
        if (end - begin != expected)
        {
            throw new CheckpointException(
                $"{Where()}: holds {end - begin} bytes but dtype {dtypeName} with shape [{string.Join(", ", shape)}] needs {expected}.", path);
        }
        return new SafeTensorsEntry(new TensorMetadata(key, dtype, shape), begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, Func<string> where, string path)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointException($"{where()}: missing array field '{field}'.", path);
        }
        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number))
            {
                throw new CheckpointException($"{where()}: '{field}' must hold integers, found '{TextForMessages.Printable(item.GetRawText())}'.", path);
            }
            if (number < 0)
            {
                throw new CheckpointException($"{where()}: '{field}' holds negative value {number}.", path);
            }
            values[i++] = number;
        }
        return values;
    }
}
