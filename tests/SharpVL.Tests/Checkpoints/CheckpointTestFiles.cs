using System.Buffers.Binary;
using System.Text;

namespace SharpVL.Tests.Checkpoints;

/// <summary>A temporary directory per test, deleted afterwards, plus raw-file builders for corrupt inputs.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = TestScratch.CreateDirectory("sharpvl-ckpt-").FullName;
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a safetensors file by hand: length prefix (or <paramref name="declaredLength"/>), header, data.</summary>
    public string WriteRawSafeTensors(string name, string header, int dataBytes, ulong? declaredLength = null)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        for (var i = 0; i < dataBytes; i++)
        {
            bytes[8 + headerBytes.Length + i] = (byte)(i % 2);
        }
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on another thread; the OS temp cleaner takes it.
        }
    }
}
