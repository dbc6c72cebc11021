using System.Buffers.Binary;
using System.Text.Json;
using SharpVL.Checkpoints;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Tests.Checkpoints;

public class SafeTensorsFixtureTests
{
    public SafeTensorsFixtureTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void VideoMaeTinyMatchesAnIndependentParseOfTheFile()
    {
        var path = TestPaths.Fixture("models/videomae-tiny/model.safetensors");
        var raw = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        using var header = JsonDocument.Parse(raw.AsMemory(8, headerLength));
        var dataStart = 8 + headerLength;

        using var file = SafeTensorsFile.Open(path);
        var expectedKeys = header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").ToList();
        Assert.Equal(53, expectedKeys.Count);
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), file.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("pt", file.Metadata["format"]);
        foreach (var key in expectedKeys)
        {
            var entry = header.RootElement.GetProperty(key);
            var shape = entry.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            Assert.Equal(shape, file.GetMetadata(key).Shape);
            Assert.Equal(torch.ScalarType.Float32, file.GetMetadata(key).DType);
        }

        const string key0 = "videomae.embeddings.patch_embeddings.projection.weight";
        var begin = header.RootElement.GetProperty(key0).GetProperty("data_offsets")[0].GetInt32();
        var expected = Enumerable.Range(0, 16)
            .Select(i => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(dataStart + begin + 4 * i)))
            .ToArray();
        using var weight = file.ReadTensor(key0);
        Assert.Equal(new long[] { 32, 3, 2, 8, 8 }, weight.shape);
        Assert.Equal(expected, weight.reshape(-1).narrow(0, 0, 16).data<float>().ToArray());
        // And the last value, which proves the whole tensor (not just a prefix) came from the right place.
        var end = header.RootElement.GetProperty(key0).GetProperty("data_offsets")[1].GetInt32();
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(dataStart + end - 4)), weight.reshape(-1)[-1].item<float>());
        Assert.NotEqual(0f, expected[0]);
    }

    [Fact]
    public void EveryFixtureModelOpensAndReadsEveryTensor()
    {
        foreach (var path in Directory.GetFiles(TestPaths.Fixture("models"), "*.safetensors", SearchOption.AllDirectories))
        {
            using var file = SafeTensorsFile.Open(path);
            Assert.NotEmpty(file.Keys);
            foreach (var key in file.Keys)
            {
                using var tensor = file.ReadTensor(key);
                Assert.Equal(file.GetMetadata(key).Shape, tensor.shape);
            }
        }
    }
}
