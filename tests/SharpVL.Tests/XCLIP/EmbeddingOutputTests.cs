using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Models.XCLIP;
using SharpVL.Pipelines;
using SharpVL.Tests.Cli;
using static TorchSharp.torch;

namespace SharpVL.Tests.XCLIP;

public sealed class EmbeddingOutputTests : IDisposable
{
    private readonly string _dir = TestScratch.CreateDirectory("xclip-embed").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NpyHeaderIsNumpyVersion1WithAlignedLittleEndianData()
    {
        var path = Path.Combine(_dir, "m.npy");
        NpyWriter.WriteFloat32(path, new float[] { 1.5f, -2f, 0.25f, 3f, 4f, 5f }, [2, 3]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header, StringComparison.Ordinal);
        Assert.EndsWith(" \n", header, StringComparison.Ordinal);
        Assert.Equal(10 + headerLength + (6 * 4), bytes.Length);
        Assert.Equal(new byte[] { 0x00, 0x00, 0xC0, 0x3F }, bytes[(10 + headerLength)..(14 + headerLength)]); // 1.5f little-endian
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(14 + headerLength)));
    }

    [Fact]
    public void OneDimensionalShapesKeepPythonsTupleComma()
    {
        var header = Encoding.ASCII.GetString(NpyWriter.Header([3], 3));
        Assert.Contains("'shape': (3,), }", header, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NpyWriter.Header([2, 2], 3));
    }

    [Fact]
    public void FailedWriteLeavesExistingFilesUntouched()
    {
        using var good = ones(2, 4);
        var (npy, json) = EmbeddingWriter.Write(_dir, "text_embeds", good, ["a", "b"]);
        var before = File.ReadAllBytes(npy);
        using var bad = ones(3, 4);
        Assert.Throws<ArgumentException>(() => EmbeddingWriter.Write(_dir, "text_embeds", bad, ["a", "b"]));
        Assert.Equal(before, File.ReadAllBytes(npy));
        Assert.True(File.Exists(json));
        Assert.Equal(2, Directory.GetFiles(_dir).Length); // no temporary files left behind
    }

    [Fact]
    public void EmbedCommandWritesTheModelsFeatures()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "embed", "tests/fixtures/media/clip.mp4", "--texts", "a cat", "a dog running", "--model", "tests/fixtures/models/xclip-tiny",
            "--frame-indices", "1,13,25,37", "--output", _dir, "--json");
        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(4, report.RootElement.GetProperty("summary").GetProperty("files").GetArrayLength());

        using var model = XCLIPModel.FromPretrained(TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        var processor = XCLIPProcessor.FromPretrained(TestPaths.Fixture("models/xclip-tiny"));
        using var tensors = processor.Process(["a cat", "a dog running"], tokenizeOptions: new SharpVL.Processing.Text.TokenizeOptions
        {
            Padding = SharpVL.Processing.Text.PaddingStrategy.Longest,
        });
        using var expectedText = model.GetTextFeatures(tensors.InputIds!, tensors.AttentionMask);
        AssertNpyEquals(Path.Combine(_dir, "text_embeds.npy"), expectedText, [2, 16]);

        var pipelineInputs = FixtureTensors.Read("cases/pipeline_xclip_from_mp4.expected.safetensors");
        using var expectedVideo = model.GetVideoFeatures(pipelineInputs["pixel_values"]);
        AssertNpyEquals(Path.Combine(_dir, "video_embeds.npy"), expectedVideo, [1, 16]);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "text_embeds.json")));
        var items = json.RootElement.GetProperty("items");
        Assert.Equal("a dog running", items[1].GetProperty("id").GetString());
        // The command runs under inference_mode, where the float32 kernel may be another exact one than this grad-mode
        // reference (summation order only): equal to float32 rounding of a few units.
        Assert.Equal(expectedText[1][3].item<float>(), items[1].GetProperty("embedding")[3].GetSingle(), 4);
    }

    [Fact]
    public void EmbedWithoutInputsIsAClearError()
    {
        var (exit, _, stderr) = CliRunner.Run("embed", "--model", "tests/fixtures/models/xclip-tiny", "--output", _dir);
        Assert.Equal(2, exit);
        Assert.Contains("nothing to embed", stderr, StringComparison.Ordinal);
    }

    private static void AssertNpyEquals(string path, Tensor expected, long[] shape)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains($"'shape': ({string.Join(", ", shape)}), ", header, StringComparison.Ordinal);
        var values = expected.data<float>().ToArray();
        Assert.Equal(10 + headerLength + (values.Length * 4), bytes.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(10 + headerLength + (4 * i))), 4);
        }
    }
}
