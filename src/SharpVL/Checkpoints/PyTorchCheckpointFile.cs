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
    /// <see cref="CheckpointException"/> naming the file for a legacy (pre-1.6), corrupt or hostile checkpoint: a pickle
    /// that references anything but tensors (such as <c>posix.system</c>), builds more than a state dict needs, or
    /// describes a tensor outside its storage or larger than the file.
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
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
            {
                throw new CheckpointException($"'{path}' is a corrupt or truncated zip archive: {e.Message}", path, e);
            }
            try
            {
                var (prefix, tensors) = TorchZipLayout.ReadStructure(archive, path, stream.Length);
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
        // Open validated the view: its range lies inside the storage, and its dense size inside the file.
        var (first, count) = TensorExtent.StridedRange(tensor.Offset, tensor.Size, tensor.Stride)!.Value;
        if (count == 0)
        {
            return torch.empty(tensor.Size, tensor.Storage.DType);
        }
        using var scope = torch.NewDisposeScope();
        // Only the storage elements this view touches are read: a tensor tied to a slice of a big storage stays small.
        var span = torch.empty(count, tensor.Storage.DType);
        ReadStorage(tensor.Storage, first, span, key);
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
        var what = $"'{Path}', tensor '{TextForMessages.Printable(key)}' (storage '{TextForMessages.Printable(storage.Key)}')";
        lock (_archiveLock)
        {
            var entry = TorchZipLayout.GetEntry(_archive, $"{_prefix}data/{storage.Key}", Path)
                ?? throw new CheckpointException($"{what}: storage entry is missing from the archive.", Path);
            ZipFaults.Guard(Path, what, () =>
            {
                using var data = entry.Open();
                Skip(data, firstElement * elementSize, what);
                var isBool = storage.DType == torch.ScalarType.Bool;
                TensorBytes.Fill(destination, (span, _) =>
                {
                    TensorBytes.ReadExactly(data, span, what, Path);
                    if (isBool)
                    {
                        TensorBytes.CheckBoolBytes(span, what, Path);
                    }
                });
                return 0;
            });
        }
    }

    private void Skip(Stream stream, long bytes, string what)
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
            TensorBytes.ReadExactly(stream, chunk, what, Path);
            bytes -= chunk.Length;
        }
    }
}
