using SharpVL.Checkpoints;
using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Tests.Checkpoints;

public class ShardedCheckpointTests
{
    public ShardedCheckpointTests() => TorchRuntime.EnsureInitialized();

    private const string Index = """
        {"metadata": {"total_size": 28},
         "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
                        "a.bias": "model-00001-of-00002.safetensors",
                        "b.ids": "model-00002-of-00002.safetensors"}}
        """;

    private static void WriteShards(TempDirectory dir)
    {
        using var weight = torch.tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        using var bias = torch.tensor(new[] { -1f });
        using var ids = torch.tensor(new[] { 7L });
        SafeTensorsWriter.Save(dir.File("model-00001-of-00002.safetensors"),
            new Dictionary<string, torch.Tensor> { ["a.weight"] = weight, ["a.bias"] = bias });
        SafeTensorsWriter.Save(dir.File("model-00002-of-00002.safetensors"),
            new Dictionary<string, torch.Tensor> { ["b.ids"] = ids });
    }

    [Fact]
    public void IndexJoinsShardsIntoOneSource()
    {
        using var dir = new TempDirectory();
        WriteShards(dir);
        File.WriteAllText(dir.File("model.safetensors.index.json"), Index);

        using var source = ShardedCheckpoint.Open(dir.File("model.safetensors.index.json"));
        Assert.Equal(new[] { "a.weight", "a.bias", "b.ids" }, source.Keys);
        Assert.Equal(2, source.Shards.Count);
        Assert.Equal("28", source.Metadata["total_size"]);
        Assert.Equal(new long[] { 2, 2 }, source.GetMetadata("a.weight").Shape);
        using var weight = source.ReadTensor("a.weight");
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, weight.data<float>().ToArray());
        using var ids = source.ReadTensor("b.ids");
        Assert.Equal(new[] { 7L }, ids.data<long>().ToArray());
        Assert.Contains("'nope'", Assert.Throws<KeyNotFoundException>(() => source.ReadTensor("nope")).Message);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        using var dir = new TempDirectory();
        WriteShards(dir);
        File.Delete(dir.File("model-00002-of-00002.safetensors"));
        File.WriteAllText(dir.File("model.safetensors.index.json"), Index);
        var error = Assert.Throws<CheckpointException>(() => ShardedCheckpoint.Open(dir.File("model.safetensors.index.json")));
        Assert.Contains("model-00002-of-00002.safetensors", error.Message);
        Assert.Contains("model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void ShardDeletedAfterOpenIsNamedWhenFirstUsed()
    {
        using var dir = new TempDirectory();
        WriteShards(dir);
        File.WriteAllText(dir.File("model.safetensors.index.json"), Index);
        using var source = ShardedCheckpoint.Open(dir.File("model.safetensors.index.json"));
        File.Delete(dir.File("model-00002-of-00002.safetensors"));
        using var weight = source.ReadTensor("a.weight");
        Assert.Contains("model-00002-of-00002.safetensors", Assert.Throws<CheckpointException>(() => source.ReadTensor("b.ids")).Message);
    }

    [Fact]
    public void KeyMissingFromItsShardIsReported()
    {
        using var dir = new TempDirectory();
        WriteShards(dir);
        File.WriteAllText(dir.File("model.safetensors.index.json"),
            """{"weight_map": {"b.ids": "model-00001-of-00002.safetensors"}}""");
        using var source = ShardedCheckpoint.Open(dir.File("model.safetensors.index.json"));
        var error = Assert.Throws<CheckpointException>(() => source.ReadTensor("b.ids"));
        Assert.Contains("'b.ids'", error.Message);
        Assert.Contains("model-00001-of-00002.safetensors", error.Message);
    }

    [Theory]
    [InlineData("""{"metadata": {}}""", "no \"weight_map\"")]
    [InlineData("""{"weight_map": {"w": 3}}""", "'w' is not a file name")]
    [InlineData("""{"weight_map": {"w": "../secret.safetensors"}}""", "plain file name")]
    [InlineData("""{"weight_map": {"w": "/etc/passwd"}}""", "plain file name")]
    [InlineData("""{"weight_map": """, "not valid JSON")]
    public void MalformedIndexIsRejected(string json, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors.index.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<CheckpointException>(() => ShardedCheckpoint.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void PyTorchShardsAreReadThroughTheBinIndex()
    {
        using var dir = new TempDirectory();
        File.Copy(TestPaths.Fixture("models/xclip-tiny/pytorch_model.bin"), dir.File("pytorch_model-00001-of-00001.bin"));
        File.WriteAllText(dir.File("pytorch_model.bin.index.json"),
            """{"metadata": {"total_size": 4}, "weight_map": {"logit_scale": "pytorch_model-00001-of-00001.bin"}}""");

        using var source = CheckpointFiles.Open(dir.Path);
        Assert.IsType<ShardedCheckpoint>(source);
        Assert.Equal(new[] { "logit_scale" }, source.Keys);
        using var expected = SafeTensorsFile.Open(TestPaths.Fixture("models/xclip-tiny/model.safetensors"));
        using var want = expected.ReadTensor("logit_scale");
        using var got = source.ReadTensor("logit_scale");
        Assert.Equal(want.item<float>(), got.item<float>());
    }
}
