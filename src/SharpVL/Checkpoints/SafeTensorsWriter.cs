using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>Writes tensors in the safetensors format, as the Python <c>safetensors</c> package reads them.</summary>
public static class SafeTensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/>. Tensors may live on any device and have any
    /// strides (a contiguous CPU copy is written). <c>__metadata__</c> always carries <c>"format": "pt"</c> (what
    /// Transformers requires) unless <paramref name="metadata"/> sets another format. The file is written under a
    /// temporary name and renamed, so <paramref name="path"/> never holds a partial file.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        TorchRuntime.EnsureInitialized();

        var items = Collect(tensors);
        try
        {
            var header = BuildHeader(items, metadata);
            AtomicFile.Write(path, stream =>
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var item in items)
                {
                    TensorBytes.Copy(item.Data, span => stream.Write(span));
                }
            });
        }
        finally
        {
            foreach (var item in items)
            {
                item.Data.Dispose();
            }
        }
    }

    private sealed record Item(string Name, string DType, long[] Shape, torch.Tensor Data, long Bytes, int ElementSize);

    private static List<Item> Collect(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var items = new List<Item>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                if (string.IsNullOrEmpty(name) || name == SafeTensorsHeader.MetadataKey)
                {
                    throw new ArgumentException($"'{name}' cannot be a safetensors tensor name.", nameof(tensors));
                }
                if (!names.Add(name))
                {
                    throw new ArgumentException($"Tensor name '{name}' is given twice.", nameof(tensors));
                }
                ArgumentNullException.ThrowIfNull(tensor, $"tensors['{name}']");
                string dtype;
                try
                {
                    dtype = SafeTensorsDType.NameOf(tensor.dtype);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Tensor '{name}': {e.Message}", nameof(tensors), e);
                }
                // A fresh handle even when the tensor is already CPU and contiguous, so disposing it is always ours to do.
                using var detached = tensor.detach();
                using var cpu = detached.cpu();
                var data = cpu.contiguous();
                var elementSize = SafeTensorsDType.ElementSize(tensor.dtype);
                items.Add(new Item(name, dtype, tensor.shape, data, data.NumberOfElements * elementSize, elementSize));
            }
        }
        catch
        {
            items.ForEach(item => item.Data.Dispose());
            throw;
        }
        // Like the reference writer: widest elements first, so every tensor stays aligned to its element size.
        items.Sort((a, b) => b.ElementSize != a.ElementSize
            ? b.ElementSize.CompareTo(a.ElementSize)
            : string.CompareOrdinal(a.Name, b.Name));
        return items;
    }

    private static byte[] BuildHeader(List<Item> items, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject(SafeTensorsHeader.MetadataKey);
            if (metadata is null || !metadata.ContainsKey("format"))
            {
                json.WriteString("format", "pt");
            }
            foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();

            long offset = 0;
            foreach (var item in items)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", item.DType);
                json.WriteStartArray("shape");
                foreach (var dim in item.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + item.Bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += item.Bytes;
            }
            json.WriteEndObject();
        }
        // Data starts 8-aligned: pad the header with spaces, as the reference writer does.
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}
