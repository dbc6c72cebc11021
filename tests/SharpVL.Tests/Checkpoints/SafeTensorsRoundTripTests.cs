using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SharpVL.Checkpoints;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Tests.Checkpoints;

public class SafeTensorsRoundTripTests
{
    public SafeTensorsRoundTripTests() => TorchRuntime.EnsureInitialized();

    private static Dictionary<string, torch.Tensor> EveryDType() => new()
    {
        ["f32"] = torch.tensor(new[] { 1.5f, -2.25f, float.MaxValue, float.Epsilon, float.NaN, 0f }).reshape(2, 3),
        ["f64"] = torch.tensor(new[] { Math.PI, -1e300, double.NegativeInfinity }),
        ["f16"] = torch.tensor(new[] { 1.5f, -0.25f, 65504f, 0.0009765625f }).to(torch.ScalarType.Float16),
        ["bf16"] = torch.tensor(new[] { 1.5f, -3f, 1e30f, 0.0078125f }).to(torch.ScalarType.BFloat16),
        ["i64"] = torch.tensor(new[] { long.MinValue, -1L, 0L, long.MaxValue }).reshape(1, 4),
        ["i32"] = torch.tensor(new[] { int.MinValue, 7, int.MaxValue }),
        ["i16"] = torch.tensor(new short[] { short.MinValue, -2, short.MaxValue }),
        ["i8"] = torch.tensor(new sbyte[] { sbyte.MinValue, -1, sbyte.MaxValue }),
        ["u8"] = torch.tensor(new byte[] { 0, 128, 255 }),
        ["bool"] = torch.tensor(new[] { true, false, true }),
    };

    [Fact]
    public void EveryDTypeRoundTripsBitExactly()
    {
        using var dir = new TempDirectory();
        var tensors = EveryDType();
        var path = dir.File("all.safetensors");
        SafeTensorsWriter.Save(path, tensors);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, file.Metadata);
        Assert.Equal(tensors.Keys.Order(), file.Keys.Order());
        foreach (var (name, original) in tensors)
        {
            var meta = file.GetMetadata(name);
            Assert.Equal(original.dtype, meta.DType);
            Assert.Equal(original.shape, meta.Shape);
            using var loaded = file.ReadTensor(name);
            Assert.Equal(original.dtype, loaded.dtype);
            Assert.Equal(original.shape, loaded.shape);
            Assert.Equal(DeviceType.CPU, loaded.device_type);
            Assert.Equal(original.bytes.ToArray(), loaded.bytes.ToArray());
            original.Dispose();
        }

        // Spot-check the stored bits, not just self-consistency: bf16(1.5) = 0x3FC0, f16(65504) = 0x7BFF.
        using var bf16 = file.ReadTensor("bf16");
        Assert.Equal(new byte[] { 0xC0, 0x3F }, bf16.bytes[..2].ToArray());
        using var f16 = file.ReadTensor("f16");
        Assert.Equal(new byte[] { 0xFF, 0x7B }, f16.bytes[4..6].ToArray());
        using var i64 = file.ReadTensor("i64");
        Assert.Equal(new[] { long.MinValue, -1L, 0L, long.MaxValue }, i64.data<long>().ToArray());
    }

    [Fact]
    public void RankZeroAndEmptyTensorsRoundTrip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("shapes.safetensors");
        using var scalar = torch.tensor(3.25f);
        using var empty = torch.zeros(0, 3);
        using var emptyLong = torch.zeros(new long[] { 2, 0 }, torch.ScalarType.Int64);
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["scalar"] = scalar, ["empty"] = empty, ["empty_long"] = emptyLong });

        using var file = SafeTensorsFile.Open(path);
        using var s = file.ReadTensor("scalar");
        Assert.Empty(s.shape);
        Assert.Equal(3.25f, s.item<float>());
        using var e = file.ReadTensor("empty");
        Assert.Equal(new long[] { 0, 3 }, e.shape);
        using var el = file.ReadTensor("empty_long");
        Assert.Equal(new long[] { 2, 0 }, el.shape);
        Assert.Equal(torch.ScalarType.Int64, el.dtype);
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenInLogicalOrder()
    {
        using var dir = new TempDirectory();
        var path = dir.File("t.safetensors");
        using var a = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3);
        using var transposed = a.t();
        Assert.False(transposed.is_contiguous());
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["t"] = transposed });

        using var file = SafeTensorsFile.Open(path);
        using var t = file.ReadTensor("t");
        Assert.Equal(new long[] { 3, 2 }, t.shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.data<float>().ToArray());
    }

    [Fact]
    public void HeaderIsSpacePaddedJsonWithFormatPtAndAlignedOffsets()
    {
        using var dir = new TempDirectory();
        var path = dir.File("h.safetensors");
        using var b = torch.tensor(new byte[] { 1, 2, 3 });
        using var f = torch.tensor(new[] { 1f, 2f });
        using var d = torch.tensor(new[] { 1.0 });
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["b"] = b, ["f"] = f, ["d"] = d },
            new Dictionary<string, string> { ["note"] = "x" });

        var raw = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        Assert.Equal(0, length % 8);
        var header = Encoding.UTF8.GetString(raw, 8, length);
        using var json = JsonDocument.Parse(header);
        Assert.Equal("pt", json.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal("x", json.RootElement.GetProperty("__metadata__").GetProperty("note").GetString());
        // Widest dtype first keeps every tensor aligned to its element size: d (8 bytes), f, then b.
        Assert.Equal("[0,8]", json.RootElement.GetProperty("d").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[8,16]", json.RootElement.GetProperty("f").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[16,19]", json.RootElement.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.Equal(8 + length + 19, raw.Length);
        Assert.Matches(@"^\{.*\} *$", header);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(new[] { "d", "f", "b" }, file.Keys);
        Assert.Equal("x", file.Metadata["note"]);
    }

    [Fact]
    public void FailedSaveLeavesTheExistingFileUntouchedAndNoTempFiles()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        using var good = torch.ones(2);
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["w"] = good });
        var before = File.ReadAllBytes(path);

        using var complex = torch.zeros(2, dtype: torch.ScalarType.ComplexFloat32);
        var error = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Save(path,
            new Dictionary<string, torch.Tensor> { ["w"] = good, ["c"] = complex }));
        Assert.Contains("'c'", error.Message);
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Save(path,
            [new("w", good), new("w", good)]));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ChunkedTensorMemoryAccessCoversEveryByte()
    {
        using var dir = new TempDirectory();
        using var source = torch.arange(1000, dtype: torch.ScalarType.Int32);
        var copied = new List<byte>();
        TensorBytes.Copy(source, span => copied.AddRange(span.ToArray()), chunkBytes: 12);
        Assert.Equal(source.bytes.ToArray(), copied.ToArray());

        using var target = torch.empty(1000, dtype: torch.ScalarType.Int32);
        var all = copied.ToArray();
        TensorBytes.Fill(target, (span, offset) => all.AsSpan((int)offset, span.Length).CopyTo(span), chunkBytes: 12);
        Assert.Equal(Enumerable.Range(0, 1000).ToArray(), target.data<int>().ToArray());
    }
}
