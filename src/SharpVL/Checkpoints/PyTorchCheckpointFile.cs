using System.IO.Compression;
using System.Text;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> in torch's zip format (torch &gt;= 1.6) opened for reading. The state dict's pickle
/// is interpreted by a restricted reader that accepts only tensors (no arbitrary Python code runs, or could);
/// each tensor's storage bytes are read from the archive straight into tensor memory when it is asked for.
/// </summary>
public sealed class PyTorchCheckpointFile : ITensorSource
{
    private const long MaxPickleBytes = 1L << 30;

    private readonly ZipArchive _archive;
    private readonly string _prefix;
    private readonly Dictionary<string, TensorRef> _tensors;
    private readonly object _archiveLock = new();

    private PyTorchCheckpointFile(string path, ZipArchive archive, string prefix, List<KeyValuePair<string, TensorRef>> tensors)
    {
        Path = path;
        _archive = archive;
        _prefix = prefix;
        _tensors = tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Keys = tensors.Select(kv => kv.Key).ToList().AsReadOnly();
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>Every state-dict key, in the order the state dict was saved.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and reads its state-dict structure (not its tensor data). Throws
    /// <see cref="InvalidDataException"/> naming the file for a legacy (pre-1.6) or corrupt checkpoint, and for a
    /// pickle that references anything but tensors (such as <c>posix.system</c>).
    /// </summary>
    public static PyTorchCheckpointFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchRuntime.EnsureInitialized();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch checkpoint '{path}' does not exist.", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            CheckIsZip(stream, path);
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"'{path}' is a corrupt or truncated zip archive: {e.Message}", e);
            }
            try
            {
                var (prefix, tensors) = ReadStructure(archive, path);
                return new PyTorchCheckpointFile(path, archive, prefix, tensors);
            }
            catch
            {
                archive.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public TensorMetadata GetMetadata(string key)
    {
        var tensor = Find(key);
        return new TensorMetadata(key, tensor.Storage.DType, tensor.Size);
    }

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key)
    {
        var tensor = Find(key);
        var (first, count) = ElementRange(tensor);
        using var scope = torch.NewDisposeScope();
        // Only the storage elements this view touches are read: a tensor tied to a slice of a big storage stays small.
        var span = torch.empty(count, tensor.Storage.DType);
        if (count > 0)
        {
            ReadStorage(tensor.Storage, first, span, key);
        }
        torch.Tensor result;
        if (count == tensor.Size.Aggregate(1L, (a, b) => a * b) && IsContiguous(tensor.Size, tensor.Stride))
        {
            result = span.view(tensor.Size);
        }
        else
        {
            result = torch.empty(tensor.Size, tensor.Storage.DType);
            using var view = span.as_strided(tensor.Size, tensor.Stride, 0);
            result.copy_(view);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Closes the archive.</summary>
    public void Dispose()
    {
        lock (_archiveLock)
        {
            _archive.Dispose();
        }
    }

    private TensorRef Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _tensors.TryGetValue(key, out var tensor)
            ? tensor
            : throw new KeyNotFoundException($"Tensor '{key}' is not in '{Path}'.");
    }

    private void ReadStorage(StorageRef storage, long firstElement, torch.Tensor destination, string key)
    {
        var elementSize = SafeTensorsDType.ElementSize(storage.DType);
        var what = $"'{Path}', tensor '{key}' (storage '{storage.Key}')";
        lock (_archiveLock)
        {
            var entry = _archive.GetEntry($"{_prefix}data/{storage.Key}")
                ?? throw new InvalidDataException($"{what}: storage entry is missing from the archive.");
            using var data = entry.Open();
            Skip(data, firstElement * elementSize, what);
            var isBool = storage.DType == torch.ScalarType.Bool;
            TensorBytes.Fill(destination, (span, _) =>
            {
                TensorBytes.ReadExactly(data, span, what);
                if (isBool)
                {
                    TensorBytes.CheckBoolBytes(span, what);
                }
            });
        }
    }

    private static void Skip(Stream stream, long bytes, string what)
    {
        if (bytes == 0)
        {
            return;
        }
        if (stream.CanSeek)
        {
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[Math.Min(bytes, 1 << 16)];
        while (bytes > 0)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(bytes, buffer.Length));
            TensorBytes.ReadExactly(stream, chunk, what);
            bytes -= chunk.Length;
        }
    }

    private static void CheckIsZip(FileStream stream, string path)
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

    private static (string Prefix, List<KeyValuePair<string, TensorRef>> Tensors) ReadStructure(ZipArchive archive, string path)
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
    private static (long First, long Count) ElementRange(TensorRef tensor)
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

    private static bool IsContiguous(long[] size, long[] stride)
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
