using System.Buffers.Binary;

namespace SharpVL.Tests.Audio;

/// <summary>Builds small WAV files byte by byte for the reader tests.</summary>
internal static class WavWriter
{
    /// <summary>A RIFF/WAVE file with one fmt chunk (plain or WAVE_FORMAT_EXTENSIBLE), an optional extra chunk, and the data.</summary>
    public static byte[] Build(ushort formatTag, int channels, int sampleRate, int bits, byte[] data, bool extensible = false, bool extraChunk = false)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(0); // patched below
        w.Write("WAVE"u8);
        if (extraChunk)
        {
            // An odd-sized chunk the reader must skip, including its pad byte.
            w.Write("LIST"u8);
            w.Write(3);
            w.Write(new byte[] { 1, 2, 3, 0 });
        }
        w.Write("fmt "u8);
        w.Write(extensible ? 40 : 16);
        w.Write(extensible ? (ushort)0xFFFE : formatTag);
        w.Write((ushort)channels);
        w.Write(sampleRate);
        w.Write(sampleRate * channels * bits / 8);
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)bits);
            w.Write(0); // channel mask
            var guid = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(guid, formatTag);
            w.Write(guid);
        }
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        var bytes = stream.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    public static byte[] Int16(params short[] samples)
    {
        var data = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), samples[i]);
        }
        return data;
    }
}
