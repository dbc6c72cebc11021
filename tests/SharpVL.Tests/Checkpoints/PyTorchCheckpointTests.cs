using SharpVL.Checkpoints;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Tests.Checkpoints;

public class PyTorchCheckpointTests
{
    public PyTorchCheckpointTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void XClipBinHoldsTheSameTensorsAsItsSafeTensors()
    {
        using var bin = PyTorchCheckpointFile.Open(TestPaths.Fixture("models/xclip-tiny/pytorch_model.bin"));
        using var safe = SafeTensorsFile.Open(TestPaths.Fixture("models/xclip-tiny/model.safetensors"));
        Assert.Equal(safe.Keys.Order(StringComparer.Ordinal), bin.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("logit_scale", bin.Keys[0]);
        Assert.Contains("text_model.embeddings.position_ids", bin.Keys);
        foreach (var key in safe.Keys)
        {
            Assert.Equal(safe.GetMetadata(key), bin.GetMetadata(key), TensorMetadataComparer.Instance);
            using var expected = safe.ReadTensor(key);
            using var actual = bin.ReadTensor(key);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), $"tensor '{key}' differs");
        }
        using var positions = bin.ReadTensor("text_model.embeddings.position_ids");
        Assert.Equal(torch.ScalarType.Int64, positions.dtype);
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), positions.data<long>().ToArray());
    }

    [Fact]
    public void ViewsSharingOneStorageOffsetsAndStridesAreRebuilt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("views.bin");
        // Storage "0" holds 0..11. "whole" is it as 3x4; "tied" is the same view again (tied weights);
        // "row" is row 1 (offset 4); "transposed" is the 4x3 transpose (strides 1, 4); "scalar" is element 5.
        var pickle = new PickleBytes().Proto().EmptyOrderedDict().Mark()
            .Str("whole").Tensor("FloatStorage", "0", 12, 0, [3, 4], [4, 1])
            .Str("tied").Tensor("FloatStorage", "0", 12, 0, [3, 4], [4, 1])
            .Str("row").Tensor("FloatStorage", "0", 12, 4, [4], [1])
            .Str("transposed").Tensor("FloatStorage", "0", 12, 0, [4, 3], [1, 4])
            .Str("scalar").Tensor("FloatStorage", "0", 12, 5, [], [])
            .Str("flags").Tensor("BoolStorage", "1", 3, 0, [3], [1])
            .Str("half").Tensor("BFloat16Storage", "2", 1, 0, [1], [1])
            .Str("expanded").Tensor("FloatStorage", "0", 12, 2, [3], [0])
            .Str("empty").Tensor("FloatStorage", "0", 12, 12, [0, 4], [4, 1])
            .Op((byte)'u')
            // The state dict's _metadata attribute, set through BUILD as torch.save writes it.
            .Op((byte)'}').Str("_metadata").EmptyOrderedDict().Op((byte)'s', (byte)'b')
            .Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>
        {
            ["0"] = TorchZipBuilder.Floats(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()),
            ["1"] = [1, 0, 1],
            ["2"] = [0xC0, 0x3F],
        });

        using var file = PyTorchCheckpointFile.Open(path);
        Assert.Equal(new[] { "whole", "tied", "row", "transposed", "scalar", "flags", "half", "expanded", "empty" }, file.Keys);
        using var whole = file.ReadTensor("whole");
        using var tied = file.ReadTensor("tied");
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), whole.data<float>().ToArray());
        Assert.Equal(whole.data<float>().ToArray(), tied.data<float>().ToArray());
        using var row = file.ReadTensor("row");
        Assert.Equal(new float[] { 4, 5, 6, 7 }, row.data<float>().ToArray());
        using var transposed = file.ReadTensor("transposed");
        Assert.True(transposed.is_contiguous());
        Assert.Equal(new long[] { 4, 3 }, transposed.shape);
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, transposed.data<float>().ToArray());
        using var scalar = file.ReadTensor("scalar");
        Assert.Empty(scalar.shape);
        Assert.Equal(5f, scalar.item<float>());
        using var flags = file.ReadTensor("flags");
        Assert.Equal(new[] { true, false, true }, flags.data<bool>().ToArray());
        using var half = file.ReadTensor("half");
        Assert.Equal(torch.ScalarType.BFloat16, half.dtype);
        Assert.Equal(1.5f, half.to(torch.ScalarType.Float32).item<float>());
        using var expanded = file.ReadTensor("expanded");
        Assert.Equal(new float[] { 2, 2, 2 }, expanded.data<float>().ToArray());
        using var empty = file.ReadTensor("empty");
        Assert.Equal(new long[] { 0, 4 }, empty.shape);
    }

    [Theory]
    [InlineData("FloatStorage", torch.ScalarType.Float32, 4)]
    [InlineData("HalfStorage", torch.ScalarType.Float16, 2)]
    [InlineData("BFloat16Storage", torch.ScalarType.BFloat16, 2)]
    [InlineData("DoubleStorage", torch.ScalarType.Float64, 8)]
    [InlineData("LongStorage", torch.ScalarType.Int64, 8)]
    [InlineData("IntStorage", torch.ScalarType.Int32, 4)]
    [InlineData("ShortStorage", torch.ScalarType.Int16, 2)]
    [InlineData("CharStorage", torch.ScalarType.Int8, 1)]
    [InlineData("ByteStorage", torch.ScalarType.Byte, 1)]
    [InlineData("BoolStorage", torch.ScalarType.Bool, 1)]
    public void EveryStorageTypeMapsToItsDType(string storageType, torch.ScalarType dtype, int elementSize)
    {
        using var dir = new TempDirectory();
        var path = dir.File("typed.bin");
        var pickle = new PickleBytes().Proto().EmptyOrderedDict().Str("w")
            .Tensor(storageType, "0", 2, 0, [2], [1]).Op((byte)'s').Stop().ToArray();
        var bytes = new byte[2 * elementSize];
        bytes[0] = 1;
        bytes[elementSize] = 1;
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = bytes });
        using var file = PyTorchCheckpointFile.Open(path);
        Assert.Equal(dtype, file.GetMetadata("w").DType);
        using var w = file.ReadTensor("w");
        Assert.Equal(dtype, w.dtype);
        Assert.Equal(bytes, w.bytes.ToArray());
    }

    [Fact]
    public void ParametersAreUnwrapped()
    {
        using var dir = new TempDirectory();
        var path = dir.File("param.bin");
        var pickle = new PickleBytes().Proto().EmptyOrderedDict()
            .Str("p").Global("torch._utils", "_rebuild_parameter").Mark()
            .Tensor("LongStorage", "0", 1, 0, [1], [1]).Op(0x88).EmptyOrderedDict().Op((byte)'t', (byte)'R')
            .Op((byte)'s').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = BitConverter.GetBytes(-42L) }, prefix: "pytorch_model");
        using var file = PyTorchCheckpointFile.Open(path);
        using var p = file.ReadTensor("p");
        Assert.Equal(new[] { -42L }, p.data<long>().ToArray());
    }

    [Theory]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("__builtin__", "getattr")]
    [InlineData("torch", "load")]
    public void MaliciousPickleIsRejectedNamingTheGlobal(string module, string name)
    {
        using var dir = new TempDirectory();
        var path = dir.File("evil.bin");
        // The classic payload: posix.system("touch pwned"), reduced before any tensor is seen.
        var pickle = new PickleBytes().Proto().Global(module, name).Str("touch pwned").Op(0x85, (byte)'R').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>());
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains($"pickle global '{module}.{name}' is not allowed in a state dict", error.Message);
        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "pwned")));
    }

    [Fact]
    public void StackGlobalIsRestrictedToo()
    {
        using var dir = new TempDirectory();
        var path = dir.File("evil4.bin");
        var pickle = new PickleBytes().Op(0x80, 4).Str("os").Str("system").Op(0x93).Str("id").Op(0x85, (byte)'R').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>());
        Assert.Contains("pickle global 'os.system' is not allowed", Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path)).Message);
    }

    public static TheoryData<string, byte[], string> CorruptPickles => new()
    {
        { "truncated", new PickleBytes().Proto().EmptyOrderedDict().Str("w").ToArray(), "ends early" },
        { "string runs past end", new PickleBytes().Proto().Op((byte)'X', 0xff, 0xff, 0, 0, (byte)'a').ToArray(), "runs past the end" },
        { "unknown opcode", new PickleBytes().Proto().Op((byte)'i').ToArray(), "opcode 0x69" },
        { "memo miss", new PickleBytes().Proto().Op((byte)'h', 9).Stop().ToArray(), "memo entry 9" },
        { "not a dict", new PickleBytes().Proto().Number(3).Stop().ToArray(), "not a state dict" },
        { "non-tensor value", new PickleBytes().Proto().EmptyOrderedDict().Str("w").Number(1).Op((byte)'s').Stop().ToArray(), "entry 'w' is not a tensor" },
        { "bad persistent id", new PickleBytes().Proto().Str("x").Op((byte)'Q').Stop().ToArray(), "persistent id" },
        { "stack underflow", new PickleBytes().Proto().Op((byte)'s').ToArray(), "stack underflow" },
    };

    [Theory]
    [MemberData(nameof(CorruptPickles))]
    public void CorruptPicklesGiveClearErrors(string label, byte[] pickle, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File(label.Replace(' ', '_') + ".bin");
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>());
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    private static CheckpointException OpenSingleTensor(TempDirectory dir, long numel, long offset, long[] size, long[] stride,
        Dictionary<string, byte[]> storages)
    {
        var path = dir.File("t.bin");
        var pickle = new PickleBytes().Proto().EmptyOrderedDict().Str("w")
            .Tensor("FloatStorage", "0", numel, offset, size, stride).Op((byte)'s').Stop().ToArray();
        TorchZipBuilder.Write(path, pickle, storages);
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains("tensor 'w'", error.Message);
        return error;
    }

    [Fact]
    public void InconsistentStoragesAndViewsAreRejectedNamingTheKey()
    {
        using var dir = new TempDirectory();
        var four = new Dictionary<string, byte[]> { ["0"] = TorchZipBuilder.Floats(1, 2, 3, 4) };
        Assert.Contains("missing from the archive", OpenSingleTensor(dir, 4, 0, [4], [1], []).Message);
        Assert.Contains("holds 16 bytes, but 5 Float32 elements need 20", OpenSingleTensor(dir, 5, 0, [5], [1], four).Message);
        Assert.Contains("reaches element 4 of a 4-element storage", OpenSingleTensor(dir, 4, 1, [4], [1], four).Message);
        Assert.Contains("reaches element 6", OpenSingleTensor(dir, 4, 0, [2, 2], [1, 5], four).Message);
        Assert.Contains("negative", OpenSingleTensor(dir, 4, 0, [2, 2], [-1, 1], four).Message);
        Assert.Contains("size has 2 dims but stride has 1", OpenSingleTensor(dir, 4, 0, [2, 2], [1], four).Message);
    }

    [Fact]
    public void LegacyAndForeignFilesAreRejectedClearly()
    {
        using var dir = new TempDirectory();
        var legacy = dir.File("legacy.bin");
        // torch < 1.6 files start with a pickled magic number: PROTO 2, LONG1 0x1950a86a20f9469cfc6c.
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(legacy));
        Assert.Contains("legacy", error.Message);
        Assert.Contains("torch >= 1.6", error.Message);
        Assert.Contains("safetensors", error.Message);

        var text = dir.File("text.bin");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a PyTorch checkpoint", Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(text)).Message);
        var empty = dir.File("empty.bin");
        File.WriteAllBytes(empty, []);
        Assert.Contains(empty, Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(empty)).Message);
        Assert.Throws<FileNotFoundException>(() => PyTorchCheckpointFile.Open(dir.File("missing.bin")));
    }

    [Fact]
    public void TruncatedZipIsRejectedNamingTheFile()
    {
        using var dir = new TempDirectory();
        var source = File.ReadAllBytes(TestPaths.Fixture("models/xclip-tiny/pytorch_model.bin"));
        var path = dir.File("truncated.bin");
        File.WriteAllBytes(path, source[..(source.Length / 2)]);
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void BigEndianCheckpointsAreRejected()
    {
        using var dir = new TempDirectory();
        var path = dir.File("be.bin");
        TorchZipBuilder.Write(path, new PickleBytes().Proto().EmptyOrderedDict().Stop().ToArray(), new Dictionary<string, byte[]>(), byteOrder: "big");
        Assert.Contains("byte order 'big'", Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path)).Message);
    }
}

internal sealed class TensorMetadataComparer : IEqualityComparer<TensorMetadata>
{
    public static readonly TensorMetadataComparer Instance = new();

    public bool Equals(TensorMetadata? x, TensorMetadata? y)
        => x is not null && y is not null && x.Name == y.Name && x.DType == y.DType && x.Shape.SequenceEqual(y.Shape);

    public int GetHashCode(TensorMetadata obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
}
