using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SharpVL.Pipelines;

/// <summary>
/// Writes numpy <c>.npy</c> files (format version 1.0, little-endian float32 <c>'&lt;f4'</c>, C order), atomically:
/// a reader never sees a partial file, and a failed write leaves any existing file untouched.
/// </summary>
public static class NpyWriter
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes <paramref name="values"/> with <paramref name="shape"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The shape does not match the number of values, or has a negative dimension.</exception>
    public static void WriteFloat32(string path, ReadOnlySpan<float> values, IReadOnlyList<long> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var header = Header(shape, values.Length);
        var data = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * sizeof(float)), values[i]);
        }
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(data);
        });
    }

    /// <summary>The complete header (magic, version, length, dict padded with spaces and a newline to a multiple of 64 bytes).</summary>
    internal static byte[] Header(IReadOnlyList<long> shape, long count)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0) || shape.Aggregate(1L, (a, d) => a * d) != count)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) does not hold {count} values.", nameof(shape));
        }
        // numpy writes 1-tuples with a trailing comma: (3,)
        var dims = shape.Count == 1
            ? shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        var unpadded = Magic.Length + 2 + dict.Length + 1;
        var padding = (64 - (unpadded % 64)) % 64;
        var text = dict + new string(' ', padding) + "\n";
        if (text.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Shape is too long for a version 1.0 .npy header.", nameof(shape));
        }
        var header = new byte[Magic.Length + 2 + text.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(Magic.Length + 2));
        return header;
    }
}
