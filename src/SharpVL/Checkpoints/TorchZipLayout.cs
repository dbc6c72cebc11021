using System.IO.Compression;
using System.Text;

namespace SharpVL.Checkpoints;

/// <summary>
/// The structure of a torch zip checkpoint: one top-level folder holding <c>data.pkl</c> (the pickled state dict),
/// <c>data/&lt;key&gt;</c> (one raw storage per key), and optionally <c>byteorder</c>. Everything read from it is
/// checked against the archive before a tensor is allocated.
/// </summary>
internal static class TorchZipLayout
{
    private const long MaxPickleBytes = 1L << 30;

    internal static void CheckIsZip(FileStream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == 4 && magic.SequenceEqual("PK\u0003\u0004"u8))
        {
            return;
        }
        if (read >= 1 && magic[0] == 0x80)
        {
            throw new InvalidDataException(
                $"'{path}' is a legacy (non-zip, torch < 1.6) PyTorch checkpoint, which is not supported: " +
                "re-save it with torch >= 1.6 (torch.save) or convert it to safetensors.");
        }
        throw new InvalidDataException($"'{path}' is not a PyTorch checkpoint (no zip signature; empty, truncated or another format).");
    }

    internal static (string Prefix, List<KeyValuePair<string, TensorRef>> Tensors) ReadStructure(ZipArchive archive, string path)
    {
        // torch names the single top-level folder after the file ("archive/" or "pytorch_model/").
        var pickles = archive.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - 9)
            .ToList();
        if (pickles.Count != 1)
        {
            throw new InvalidDataException($"'{path}': expected one <archive>/data.pkl entry in the zip, found {pickles.Count}.");
        }
        var prefix = pickles[0].FullName[..^"data.pkl".Length];

        var byteOrder = archive.GetEntry(prefix + "byteorder");
        if (byteOrder is not null && ReadSmallEntry(byteOrder, 64, path) is var order && Encoding.ASCII.GetString(order).Trim() != "little")
        {
            throw new InvalidDataException($"'{path}': byte order '{Encoding.ASCII.GetString(order).Trim()}' is not supported (only little-endian).");
        }

        var pickle = ReadSmallEntry(pickles[0], MaxPickleBytes, path);
        var root = RestrictedUnpickler.Load(pickle, $"'{path}'");
        if (root is not PickleDict dict)
        {
            throw new InvalidDataException($"'{path}': the pickle holds a {root?.GetType().Name ?? "None"}, not a state dict.");
        }

        var tensors = new List<KeyValuePair<string, TensorRef>>();
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
            {
                throw new InvalidDataException($"'{path}': state dict key {key} is not a string.");
            }
            if (value is not TensorRef tensor)
            {
                throw new InvalidDataException($"'{path}': state dict entry '{name}' is not a tensor.");
            }
            Validate(archive, prefix, path, name, tensor);
            tensors.Add(new(name, tensor));
        }
        return (prefix, tensors);
    }

    private static void Validate(ZipArchive archive, string prefix, string path, string key, TensorRef tensor)
    {
        var where = $"'{path}', tensor '{key}'";
        if (tensor.Size.Length != tensor.Stride.Length)
        {
            throw new InvalidDataException($"{where}: size has {tensor.Size.Length} dims but stride has {tensor.Stride.Length}.");
        }
        if (tensor.Offset < 0 || tensor.Size.Any(d => d < 0) || tensor.Stride.Any(s => s < 0))
        {
            throw new InvalidDataException($"{where}: negative offset, size or stride.");
        }
        var entry = archive.GetEntry($"{prefix}data/{tensor.Storage.Key}")
            ?? throw new InvalidDataException($"{where}: storage '{tensor.Storage.Key}' is missing from the archive.");
        var elementSize = SafeTensorsDType.ElementSize(tensor.Storage.DType);
        long storageBytes, first, count;
        try
        {
            storageBytes = checked(tensor.Storage.Numel * elementSize);
            (first, count) = ElementRange(tensor);
            _ = checked(tensor.Size.Aggregate(1L, (a, b) => a * b) * elementSize);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{where}: size, stride or storage size overflows.");
        }
        if (entry.Length != storageBytes)
        {
            throw new InvalidDataException(
                $"{where}: storage '{tensor.Storage.Key}' holds {entry.Length} bytes, but {tensor.Storage.Numel} {tensor.Storage.DType} elements need {storageBytes}.");
        }
        if (count > 0 && first + count > tensor.Storage.Numel)
        {
            throw new InvalidDataException(
                $"{where}: view (offset {tensor.Offset}, size [{string.Join(", ", tensor.Size)}], stride [{string.Join(", ", tensor.Stride)}]) " +
                $"reaches element {first + count - 1} of a {tensor.Storage.Numel}-element storage.");
        }
    }

    /// <summary>The storage elements a strided view touches: from its offset through its last element.</summary>
    internal static (long First, long Count) ElementRange(TensorRef tensor)
    {
        if (tensor.Size.Any(d => d == 0))
        {
            return (tensor.Offset, 0);
        }
        var last = 0L;
        for (var i = 0; i < tensor.Size.Length; i++)
        {
            last = checked(last + (tensor.Size[i] - 1) * tensor.Stride[i]);
        }
        return (tensor.Offset, checked(last + 1));
    }

    internal static bool IsContiguous(long[] size, long[] stride)
    {
        var expected = 1L;
        for (var i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] != 1 && stride[i] != expected)
            {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    private static byte[] ReadSmallEntry(ZipArchiveEntry entry, long limit, string path)
    {
        if (entry.Length > limit)
        {
            throw new InvalidDataException($"'{path}': '{entry.FullName}' is {entry.Length} bytes, over the {limit}-byte limit.");
        }
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            TensorBytes.ReadExactly(stream, bytes, $"'{path}': '{entry.FullName}'");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{path}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}': cannot read '{entry.FullName}': {e.Message}", e);
        }
        return bytes;
    }
}
