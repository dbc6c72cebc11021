using System.Text.Json;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Saves embeddings as <c>&lt;name&gt;.npy</c> (float32 [items, dim]) plus <c>&lt;name&gt;.json</c>
/// (<c>{"name", "shape", "items": [{"id", "embedding"}]}</c>), both written atomically.
/// </summary>
public static class EmbeddingWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the rows of <paramref name="embeddings"/> [items, dim], labelled by <paramref name="ids"/>, into <paramref name="directory"/>.</summary>
    /// <returns>The paths written (.npy, .json).</returns>
    /// <exception cref="ArgumentException">The tensor is not 2-D, or the ids do not match its rows, or the name is not a plain file name.</exception>
    public static (string NpyPath, string JsonPath) Write(string directory, string name, Tensor embeddings, IReadOnlyList<string> ids)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(ids);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        }
        if (embeddings.dim() != 2 || embeddings.shape[0] != ids.Count)
        {
            throw new ArgumentException(
                $"Expected [{ids.Count}, dim] embeddings for {ids.Count} ids, got [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        }
        using var values = embeddings.detach().to(ScalarType.Float32).cpu().contiguous();
        var data = values.data<float>().ToArray();
        var dim = (int)embeddings.shape[1];
        Directory.CreateDirectory(directory);
        var npyPath = Path.Combine(directory, name + ".npy");
        var jsonPath = Path.Combine(directory, name + ".json");
        NpyWriter.WriteFloat32(npyPath, data, [ids.Count, dim]);
        var document = new
        {
            name,
            shape = new[] { ids.Count, dim },
            items = ids.Select((id, row) => new { id, embedding = data.AsSpan(row * dim, dim).ToArray() }),
        };
        AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(document, Indented) + "\n");
        return (npyPath, jsonPath);
    }
}
