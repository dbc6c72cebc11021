using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpVL.Tests.Checkpoints;

/// <summary>Writes pickle opcodes by hand, the way <c>torch.save</c> (protocol 2) lays out a state dict.</summary>
public sealed class PickleBytes
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => _bytes.ToArray();

    public PickleBytes Op(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleBytes Proto() => Op(0x80, 2);

    public PickleBytes Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBytes Mark() => Op((byte)'(');

    public PickleBytes Str(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op((byte)'X').Op(length).Op(utf8);
    }

    public PickleBytes Number(long value)
    {
        if (value is >= 0 and < 256)
        {
            return Op((byte)'K', (byte)value);
        }
        if (value is >= 0 and < 65536)
        {
            return Op((byte)'M', (byte)value, (byte)(value >> 8));
        }
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            return Op((byte)'J').Op(b);
        }
        var l = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(l, value);
        return Op(0x8a, 8).Op(l);
    }

    public PickleBytes Tuple(params long[] values)
    {
        Mark();
        foreach (var v in values)
        {
            Number(v);
        }
        return Op((byte)'t');
    }

    public PickleBytes EmptyOrderedDict() => Global("collections", "OrderedDict").Op((byte)')', (byte)'R');

    /// <summary>One <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c> call.</summary>
    public PickleBytes Tensor(string storageType, string storageKey, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(storageKey).Str("cpu").Number(numel).Op((byte)'t', (byte)'Q');
        Number(offset).Tuple(size).Tuple(stride).Op(0x89);
        EmptyOrderedDict();
        return Op((byte)'t', (byte)'R');
    }

    public PickleBytes Stop() => Op((byte)'.');
}

/// <summary>Writes a torch zip checkpoint: <c>&lt;prefix&gt;/data.pkl</c>, <c>data/&lt;key&gt;</c> storages, version, byteorder.</summary>
public static class TorchZipBuilder
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, string prefix = "archive",
        string? byteOrder = "little", CompressionLevel pickleCompression = CompressionLevel.NoCompression)
    {
        using var stream = File.Create(path);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes, CompressionLevel level = CompressionLevel.NoCompression)
        {
            var entry = zip.CreateEntry($"{prefix}/{name}", level);
            using var s = entry.Open();
            s.Write(bytes);
        }
        Add("data.pkl", pickle, pickleCompression);
        if (byteOrder is not null)
        {
            Add("byteorder", Encoding.ASCII.GetBytes(byteOrder));
        }
        foreach (var (key, bytes) in storages)
        {
            Add($"data/{key}", bytes);
        }
        Add("version", "3\n"u8.ToArray());
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }
}
