using System.Text;
using SharpVL.Checkpoints;
using SharpVL.Runtime;

namespace SharpVL.Tests.Checkpoints;

/// <summary>
/// Sizes, strides and offsets from a checkpoint are checked with overflow-safe arithmetic against the storage and the
/// file before anything is allocated: hostile values end as a <see cref="CheckpointException"/> naming the tensor, never
/// as an OverflowException, a libtorch error or a huge allocation.
/// </summary>
public class HostileTensorViewTests
{
    public HostileTensorViewTests() => TorchRuntime.EnsureInitialized();

    private const long TwoTo60 = 1L << 60;
    private const long TwoTo62 = 1L << 62;

    private static string WriteView(TempDirectory dir, long numel, long offset, long[] size, long[] stride, byte[]? storage = null)
    {
        var path = dir.File($"view-{Guid.NewGuid():N}.bin");
        var pickle = new PickleBytes().Proto().EmptyOrderedDict().Str("w")
            .Tensor("FloatStorage", "0", numel, offset, size, stride).Op((byte)'s').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = storage ?? new byte[numel * 4] });
        return path;
    }

    public static TheoryData<string, long, long, long[], long[]> HostileViews => new()
    {
        { "offset 2^63-1", 4, long.MaxValue, [1], [1] },
        { "offset 2^63-1, empty", 4, long.MaxValue, [0], [1] },
        { "offset 2^62, stride 2^60", 4, TwoTo62, [4], [TwoTo60] },
        { "offset 2^62, stride 2^60, empty", 4, TwoTo62, [0, 3], [TwoTo60, 1] },
        { "stride 2^62 wraps", 4, 0, [5], [TwoTo62] },
        { "stride-0 view of 2^40 elements", 1, 0, [1L << 40], [0] },
        { "stride-0 view whose size overflows", 1, 0, [1L << 32, 1L << 32], [0, 0] },
        { "empty view whose other dims overflow", 0, 0, [0, TwoTo62, TwoTo62], [1, 1, 1] },
    };

    [Theory]
    [MemberData(nameof(HostileViews))]
    public void HostileViewsAreRefusedAtOpen(string label, long numel, long offset, long[] size, long[] stride)
    {
        using var dir = new TempDirectory();
        var path = WriteView(dir, numel, offset, size, stride);
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'w'", error.Message);
        Assert.Equal(path, error.FilePath);
        Assert.False(string.IsNullOrEmpty(label));
    }

    [Fact]
    public void SmallBroadcastAndEmptyViewsStillLoad()
    {
        using var dir = new TempDirectory();
        using (var file = PyTorchCheckpointFile.Open(WriteView(dir, 1, 0, [4], [0], TorchZipBuilder.Floats(2.5f))))
        using (var broadcast = file.ReadTensor("w"))
        {
            Assert.Equal(new[] { 2.5f, 2.5f, 2.5f, 2.5f }, broadcast.data<float>().ToArray());
        }
        using (var file = PyTorchCheckpointFile.Open(WriteView(dir, 0, 0, [0, 3], [3, 1])))
        using (var empty = file.ReadTensor("w"))
        {
            Assert.Equal(new long[] { 0, 3 }, empty.shape);
        }
    }

    [Fact]
    public void CorruptLocalFileHeaderNamesTheFileAndTensor()
    {
        using var dir = new TempDirectory();
        var path = WriteView(dir, 4, 0, [4], [1], TorchZipBuilder.Floats(1, 2, 3, 4));
        var bytes = File.ReadAllBytes(path);
        // The local header of archive/data/0 starts 30 bytes before its name: break its signature.
        var name = Encoding.ASCII.GetBytes("archive/data/0");
        var at = bytes.AsSpan().IndexOf(name) - 30;
        Assert.Equal((byte)'P', bytes[at]);
        bytes[at + 2] = 0xEE;
        File.WriteAllBytes(path, bytes);

        using var file = PyTorchCheckpointFile.Open(path);
        var error = Assert.Throws<CheckpointException>(() => file.ReadTensor("w"));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("corrupt zip", error.Message);
    }

    [Fact]
    public void OddItemCountForADictNamesTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("odd.bin");
        var pickle = new PickleBytes().Proto().EmptyOrderedDict().Mark().Str("a").Op((byte)'u').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>());
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("odd number", error.Message);
    }

    [Fact]
    public void SafeTensorsShapesWhoseSizeOverflowsAreRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRawSafeTensors("empty-huge.safetensors", $$$"""{"w":{"dtype":"F32","shape":[0,{{{TwoTo62}}},{{{TwoTo62}}}],"data_offsets":[0,0]}}""", 0);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("too large", error.Message);

        var pastEnd = dir.WriteRawSafeTensors("past.safetensors", $$$"""{"w":{"dtype":"F32","shape":[2],"data_offsets":[{{{TwoTo62}}},{{{TwoTo62 + 8}}}]}}""", 8);
        Assert.Contains("past the data region", Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(pastEnd)).Message);
    }

    [Fact]
    public void InvalidUtf8InASafeTensorsHeaderNamesTheFile()
    {
        using var dir = new TempDirectory();
        var header = Encoding.UTF8.GetBytes("{\"w\u00e9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        var e9 = Array.IndexOf(header, (byte)0xC3);
        header[e9] = 0xFF;
        var bytes = new byte[8 + header.Length + 4];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var path = dir.File("utf8.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not valid UTF-8", error.Message);
    }
}
