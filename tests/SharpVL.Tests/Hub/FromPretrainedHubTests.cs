using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Pipelines;

namespace SharpVL.Tests.Hub;

/// <summary>A Hub id given to FromPretrained is downloaded into the cache and loads like the local directory.</summary>
public sealed class FromPretrainedHubTests : IDisposable
{
    private const string RepoId = "sharpvl-test/videomae-tiny-kinetics";
    private readonly HubTestContext _context = new();

    public FromPretrainedHubTests()
    {
        var repo = _context.Hub.AddRepo(RepoId, HubTestContext.Commit);
        var source = TestPaths.Fixture("models/videomae-tiny-kinetics");
        foreach (var file in Directory.GetFiles(source))
        {
            var bytes = File.ReadAllBytes(file);
            repo.Files[Path.GetFileName(file)] = file.EndsWith(".safetensors", StringComparison.Ordinal) ? FakeFile.Lfs(bytes) : new FakeFile(bytes, false);
        }
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public void HubIdLoadsTheSameWeightsAsTheLocalDirectory()
    {
        var reports = new List<SharpVL.Hub.DownloadProgress>();
        var options = new ModelLoadOptions { Hub = _context.Client(), Progress = new SyncProgress(reports.Add) };
        using var fromHub = VideoMAEForVideoClassification.FromPretrained(RepoId, options);
        using var local = VideoMAEForVideoClassification.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"));
        var expected = local.state_dict();
        foreach (var (key, value) in fromHub.state_dict())
        {
            Assert.True(value.eq(expected[key]).all().item<bool>(), key);
        }
        Assert.Contains(reports, r => r.FileName == "model.safetensors" && r.IsCompleted);
        var snapshot = Path.Combine(_context.RepoDirectory(RepoId), "snapshots", HubTestContext.Commit, "model.safetensors");
        Assert.True(File.Exists(snapshot));
    }

    [Fact]
    public void PipelineFromHubClassifiesTheFixtureClip()
    {
        using var pipeline = VideoClassificationPipeline.FromPretrained(RepoId, new ModelLoadOptions { Hub = _context.Client() });
        var result = pipeline.Classify(TestPaths.Fixture("media/clip.mp4"), new ClassificationOptions { TopK = 1, Frames = FrameSelection.Indices([4, 16, 28, 40]) });
        Assert.Equal("eating spaghetti", result.Labels[0].Label);
        Assert.Equal(0.5638, result.Labels[0].Score, 3);
    }

    private sealed class SyncProgress(Action<SharpVL.Hub.DownloadProgress> report) : IProgress<SharpVL.Hub.DownloadProgress>
    {
        public void Report(SharpVL.Hub.DownloadProgress value) => report(value);
    }
}
