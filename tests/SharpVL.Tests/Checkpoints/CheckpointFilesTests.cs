using SharpVL.Checkpoints;
using SharpVL.Runtime;

namespace SharpVL.Tests.Checkpoints;

public class CheckpointFilesTests
{
    public CheckpointFilesTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void PrefersSafeTensorsOverPyTorchBin()
    {
        var directory = TestPaths.Fixture("models/xclip-tiny");
        var location = CheckpointFiles.Find(directory);
        Assert.NotNull(location);
        Assert.Equal(CheckpointKind.SafeTensors, location.Kind);
        Assert.Equal(Path.Combine(directory, "model.safetensors"), location.Path);
        using var source = CheckpointFiles.Open(directory);
        Assert.IsType<SafeTensorsFile>(source);
    }

    [Fact]
    public void FollowsTransformersOrder()
    {
        using var dir = new TempDirectory();
        Assert.Null(CheckpointFiles.Find(dir.Path));
        File.WriteAllText(dir.File("pytorch_model.bin.index.json"), "{}");
        Assert.Equal(CheckpointKind.ShardedPyTorch, CheckpointFiles.Find(dir.Path)!.Kind);
        File.Copy(TestPaths.Fixture("models/xclip-tiny/pytorch_model.bin"), dir.File("pytorch_model.bin"));
        Assert.Equal(CheckpointKind.PyTorch, CheckpointFiles.Find(dir.Path)!.Kind);
        using (var source = CheckpointFiles.Open(dir.Path))
        {
            Assert.IsType<PyTorchCheckpointFile>(source);
        }
        File.WriteAllText(dir.File("model.safetensors.index.json"), "{}");
        Assert.Equal(CheckpointKind.ShardedSafeTensors, CheckpointFiles.Find(dir.Path)!.Kind);
        File.Copy(TestPaths.Fixture("models/videomae-tiny/model.safetensors"), dir.File("model.safetensors"));
        Assert.Equal(CheckpointKind.SafeTensors, CheckpointFiles.Find(dir.Path)!.Kind);
    }

    [Fact]
    public void NoWeightsListsTheNamesLookedFor()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => CheckpointFiles.Open(dir.Path));
        Assert.Contains(dir.Path, error.Message);
        foreach (var name in new[] { "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json" })
        {
            Assert.Contains(name, error.Message);
        }
        Assert.Throws<DirectoryNotFoundException>(() => CheckpointFiles.Find(dir.File("missing")));
    }
}
