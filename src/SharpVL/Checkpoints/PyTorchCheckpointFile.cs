using System.IO.Compression;
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
            TorchZipLayout.CheckIsZip(stream, path);
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
                var (prefix, tensors) = TorchZipLayout.ReadStructure(archive, path);
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
        return new TensorMetadata(key, tensor.Storage.DType, (long[])tensor.Size.Clone());
    }

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key)
    {
        var tensor = Find(key);
        var (first, count) = TorchZipLayout.ElementRange(tensor);
        using var scope = torch.NewDisposeScope();
        // Only the storage elements this view touches are read: a tensor tied to a slice of a big storage stays small.
        var span = torch.empty(count, tensor.Storage.DType);
        if (count > 0)
        {
            ReadStorage(tensor.Storage, first, span, key);
        }
        torch.Tensor result;
        if (count == tensor.Size.Aggregate(1L, (a, b) => a * b) && TorchZipLayout.IsContiguous(tensor.Size, tensor.Stride))
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
}
