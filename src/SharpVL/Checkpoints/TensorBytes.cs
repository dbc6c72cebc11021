using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>Fills <paramref name="destination"/> with the tensor bytes that start <paramref name="byteOffset"/> bytes into the tensor.</summary>
internal delegate void TensorBytesFiller(Span<byte> destination, long byteOffset);

/// <summary>Receives the next run of a tensor's bytes, in order.</summary>
internal delegate void TensorBytesConsumer(ReadOnlySpan<byte> source);

/// <summary>
/// Direct access to a CPU tensor's memory in spans, so checkpoint data moves between files and tensors without a
/// managed copy of the whole tensor. TorchSharp's <c>Tensor.bytes</c> is limited to 2 GiB, hence the chunking.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Largest span handed out at once; well under int.MaxValue so any element size divides evenly.</summary>
    internal const long DefaultChunkBytes = 1L << 30;

    /// <summary>Writes into a contiguous CPU <paramref name="tensor"/>, chunk by chunk.</summary>
    public static void Fill(torch.Tensor tensor, TensorBytesFiller fill, long chunkBytes = DefaultChunkBytes)
        => Visit(tensor, chunkBytes, (span, offset) => fill(span, offset));

    /// <summary>Reads a contiguous CPU <paramref name="tensor"/>, chunk by chunk.</summary>
    public static void Copy(torch.Tensor tensor, TensorBytesConsumer consume, long chunkBytes = DefaultChunkBytes)
        => Visit(tensor, chunkBytes, (span, _) => consume(span));

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="fileOffset"/>.</summary>
    public static void ReadExactly(SafeFileHandle file, Span<byte> destination, long fileOffset, string path)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, fileOffset);
            if (read <= 0)
            {
                throw new CheckpointException($"'{path}' ended early at byte {fileOffset} (was it truncated while being read?).", path);
            }
            destination = destination[read..];
            fileOffset += read;
        }
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes from <paramref name="stream"/> (part of <paramref name="path"/>).</summary>
    public static void ReadExactly(Stream stream, Span<byte> destination, string what, string path)
    {
        while (!destination.IsEmpty)
        {
            var read = stream.Read(destination);
            if (read <= 0)
            {
                throw new CheckpointException($"{what} ended early: {destination.Length} bytes missing.", path);
            }
            destination = destination[read..];
        }
    }

    /// <summary>Throws when a bool tensor's bytes hold anything but 0 or 1 (torch's behaviour on such bytes is undefined).</summary>
    public static void CheckBoolBytes(ReadOnlySpan<byte> bytes, string what, string path)
    {
        var bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw new CheckpointException($"{what}: bool tensor holds byte value {bytes[bad]}, only 0 and 1 are valid.", path);
        }
    }

    private delegate void SpanVisitor(Span<byte> span, long byteOffset);

    private static void Visit(torch.Tensor tensor, long chunkBytes, SpanVisitor visit)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException("Tensor memory is only accessed on contiguous CPU tensors.", nameof(tensor));
        }
        var count = tensor.NumberOfElements;
        if (count == 0)
        {
            return;
        }
        var elementSize = tensor.ElementSize;
        if (count * elementSize <= chunkBytes)
        {
            visit(tensor.bytes, 0);
            return;
        }
        // Slices of the flat view are contiguous, and their data pointer includes the slice's storage offset.
        using var flat = tensor.reshape(-1);
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long start = 0; start < count; start += perChunk)
        {
            using var slice = flat.narrow(0, start, Math.Min(perChunk, count - start));
            visit(slice.bytes, start * elementSize);
        }
    }
}
