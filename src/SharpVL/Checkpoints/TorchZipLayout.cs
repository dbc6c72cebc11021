using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SharpVL.Checkpoints;

/// <summary>
/// The structure of a torch zip checkpoint: one top-level folder holding <c>data.pkl</c> (the pickled state dict),
/// <c>data/&lt;key&gt;</c> (one raw storage per key), and optionally <c>byteorder</c>. Everything read from it is
/// checked against the archive and the file before a tensor is allocated: every view lies inside its storage, and no
/// tensor is larger than the file that holds it.
/// </summary>
internal static class TorchZipLayout
{
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
            throw new CheckpointException(
                $"'{path}' is a legacy (non-zip, torch < 1.6) PyTorch checkpoint, which is not supported: " +
                "re-save it with torch >= 1.6 (torch.save) or convert it to safetensors.", path);
        }
        throw new CheckpointException($"'{path}' is not a PyTorch checkpoint (no zip signature; empty, truncated or another format).", path);
    }

    internal static (string Prefix, List<KeyValuePair<string, TensorRef>> Tensors) ReadStructure(ZipArchive archive, string path, long fileLength)
    {
        // torch names the single top-level folder after the file ("archive/" or "pytorch_model/").
        var pickles = ZipFaults.Guard(path, "the zip directory", () => archive.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - 9)
            .ToList());
        if (pickles.Count != 1)
        {
            throw new CheckpointException($"'{path}': expected one <archive>/data.pkl entry in the zip, found {pickles.Count}.", path);
        }
        var prefix = pickles[0].FullName[..^"data.pkl".Length];

        var byteOrder = GetEntry(archive, prefix + "byteorder", path);
        if (byteOrder is not null && ReadSmallEntry(byteOrder, 64, path) is var order && Encoding.ASCII.GetString(order).Trim() != "little")
        {
            throw new CheckpointException(
                $"'{path}': byte order '{Printable(Encoding.ASCII.GetString(order).Trim())}' is not supported (only little-endian).", path);
        }

        var pickleEntry = pickles[0];
        var expansionLimit = (PickleLimits.MaxCompressionRatio * pickleEntry.CompressedLength) + (64 << 10);
        if (pickleEntry.Length > expansionLimit)
        {
            throw new CheckpointException(
                $"'{path}': data.pkl expands from {pickleEntry.CompressedLength} compressed bytes to {pickleEntry.Length}, " +
                $"more than {PickleLimits.MaxCompressionRatio}x; a state dict pickle does not compress like that (zip bomb?).", path);
        }
        var pickle = ReadSmallEntry(pickleEntry, PickleLimits.MaxPickleBytes, path);
        var root = RestrictedUnpickler.Load(pickle, path);
        if (root is not PickleDict dict)
        {
            throw new CheckpointException($"'{path}': the pickle holds a {root?.GetType().Name ?? "None"}, not a state dict.", path);
        }

        var tensors = new List<KeyValuePair<string, TensorRef>>();
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
            {
                throw new CheckpointException($"'{path}': state dict key {Printable(key?.ToString() ?? "None")} is not a string.", path);
            }
            if (value is not TensorRef tensor)
            {
                throw new CheckpointException($"'{path}': state dict entry '{Printable(name)}' is not a tensor.", path);
            }
            Validate(archive, prefix, path, fileLength, name, tensor);
            tensors.Add(new(name, tensor));
        }
        return (prefix, tensors);
    }

    private static void Validate(ZipArchive archive, string prefix, string path, long fileLength, string key, TensorRef tensor)
    {
        var where = $"'{path}', tensor '{Printable(key)}'";
        var view = $"view (offset {tensor.Offset}, size {TensorExtent.Format(tensor.Size)}, stride {TensorExtent.Format(tensor.Stride)})";
        if (tensor.Size.Length != tensor.Stride.Length)
        {
            throw new CheckpointException($"{where}: size has {tensor.Size.Length} dims but stride has {tensor.Stride.Length}.", path);
        }
        if (tensor.Offset < 0 || tensor.Size.Any(d => d < 0) || tensor.Stride.Any(s => s < 0))
        {
            throw new CheckpointException($"{where}: negative offset, size or stride in {view}.", path);
        }
        var entry = GetEntry(archive, $"{prefix}data/{tensor.Storage.Key}", path)
            ?? throw new CheckpointException($"{where}: storage '{Printable(tensor.Storage.Key)}' is missing from the archive.", path);
        var elementSize = SafeTensorsDType.ElementSize(tensor.Storage.DType);
        if (!TensorExtent.TryMultiply(tensor.Storage.Numel, elementSize, out var storageBytes))
        {
            throw new CheckpointException($"{where}: storage size {tensor.Storage.Numel} x {elementSize} bytes overflows.", path);
        }
        if (entry.Length != storageBytes)
        {
            throw new CheckpointException(
                $"{where}: storage '{Printable(tensor.Storage.Key)}' holds {entry.Length} bytes, but {tensor.Storage.Numel} {tensor.Storage.DType} elements need {storageBytes}.",
                path);
        }
        if (TensorExtent.StridedRange(tensor.Offset, tensor.Size, tensor.Stride) is not var (first, count)
            || !TensorExtent.TryAdd(first, count, out var end))
        {
            throw new CheckpointException($"{where}: {view} overflows 64-bit arithmetic.", path);
        }
        if (first > tensor.Storage.Numel || (count > 0 && end > tensor.Storage.Numel))
        {
            throw new CheckpointException(
                $"{where}: {view} reaches element {(count > 0 ? end - 1 : first)} of a {tensor.Storage.Numel}-element storage.", path);
        }
        // Broadcast (stride-0) views are legal, but materializing one must not turn a small file into a huge tensor.
        if (TensorExtent.DenseBytes(tensor.Size, elementSize) is not long bytes || bytes > fileLength)
        {
            throw new CheckpointException(
                $"{where}: {view} would materialize {(TensorExtent.DenseBytes(tensor.Size, elementSize)?.ToString(CultureInfo.InvariantCulture) ?? "more than 2^63")} bytes, " +
                $"more than the {fileLength}-byte file holds.", path);
        }
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

    internal static ZipArchiveEntry? GetEntry(ZipArchive archive, string name, string path)
        => ZipFaults.Guard(path, "the zip directory", () => archive.GetEntry(name));

    private static byte[] ReadSmallEntry(ZipArchiveEntry entry, long limit, string path)
    {
        if (entry.Length > limit)
        {
            throw new CheckpointException($"'{path}': '{Printable(entry.FullName)}' is {entry.Length} bytes, over the {limit}-byte limit.", path);
        }
        var bytes = new byte[entry.Length];
        ZipFaults.Guard(path, $"'{Printable(entry.FullName)}'", () =>
        {
            using var stream = entry.Open();
            TensorBytes.ReadExactly(stream, bytes, $"'{path}': '{Printable(entry.FullName)}'", path);
            return 0;
        });
        return bytes;
    }

    internal static string Printable(string text) => TextForMessages.Printable(text);
}
