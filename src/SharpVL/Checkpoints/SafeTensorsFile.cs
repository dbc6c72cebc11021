using System.Buffers.Binary;
using System.Collections.ObjectModel;
using Microsoft.Win32.SafeHandles;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>
/// A <c>.safetensors</c> file opened for reading. Only the header is read on open; each tensor is read straight
/// from the file into its own tensor memory when asked for, so no second copy of the weights is ever held.
/// </summary>
public sealed class SafeTensorsFile : ITensorSource
{
    private readonly SafeFileHandle _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;

    private SafeTensorsFile(string path, SafeFileHandle file, long dataStart, List<SafeTensorsEntry> entries,
        Dictionary<string, string> metadata)
    {
        Path = path;
        _file = file;
        _dataStart = dataStart;
        _entries = entries.ToDictionary(e => e.Metadata.Name, StringComparer.Ordinal);
        Keys = entries.Select(e => e.Metadata.Name).ToList().AsReadOnly();
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>Every tensor name, in the order their data lies in the file.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and validates its header. Throws <see cref="FileNotFoundException"/> for a
    /// missing file and <see cref="CheckpointException"/> (naming the file and key) for a malformed one.
    /// </summary>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchRuntime.EnsureInitialized();
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file '{path}' does not exist.", path);
        }

        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(file);
            if (length < 8)
            {
                throw new CheckpointException($"'{path}' is not a safetensors file: {length} bytes is shorter than the 8-byte header length.", path);
            }
            Span<byte> prefix = stackalloc byte[8];
            TensorBytes.ReadExactly(file, prefix, 0, path);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
            {
                throw new CheckpointException(
                    $"'{path}': safetensors header length {headerLength} exceeds the {SafeTensorsHeader.MaxHeaderBytes}-byte limit (corrupt or not a safetensors file).", path);
            }
            if ((long)headerLength > length - 8)
            {
                throw new CheckpointException(
                    $"'{path}': safetensors header length {headerLength} is larger than the {length - 8} bytes after it (truncated or not a safetensors file).", path);
            }

            var header = new byte[headerLength];
            TensorBytes.ReadExactly(file, header, 8, path);
            var dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafeTensorsHeader.Parse(header, length - dataStart, path);
            return new SafeTensorsFile(path, file, dataStart, entries, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public TensorMetadata GetMetadata(string key)
    {
        // A copy of the shape: callers may modify the array they get, the next read must not see that.
        var metadata = Find(key).Metadata;
        return metadata with { Shape = (long[])metadata.Shape.Clone() };
    }

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key)
    {
        var entry = Find(key);
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var tensor = torch.empty(entry.Metadata.Shape, entry.Metadata.DType);
        try
        {
            var isBool = entry.Metadata.DType == torch.ScalarType.Bool;
            TensorBytes.Fill(tensor, (span, offset) =>
            {
                TensorBytes.ReadExactly(_file, span, _dataStart + entry.Begin + offset, Path);
                if (isBool)
                {
                    TensorBytes.CheckBoolBytes(span, $"'{Path}', tensor '{TextForMessages.Printable(key)}'", Path);
                }
            });
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private SafeTensorsEntry Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.TryGetValue(key, out var entry)
            ? entry
            : throw new KeyNotFoundException($"Tensor '{key}' is not in '{Path}'.");
    }
}
