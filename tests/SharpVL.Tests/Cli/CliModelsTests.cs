using System.Text.Json;
using SharpVL.Tests.Hub;

namespace SharpVL.Tests.Cli;

/// <summary>sharpvl download fetches a model from the (loopback) Hub into the cache; sharpvl models lists it; it then loads offline.</summary>
public sealed class CliModelsTests : IDisposable
{
    private const string RepoId = "sharpvl-test/videomae-tiny-kinetics";
    private readonly HubTestContext _context = new();

    public CliModelsTests()
    {
        var repo = _context.Hub.AddRepo(RepoId, HubTestContext.Commit);
        foreach (var file in Directory.GetFiles(CliWorkspace.VideoMAE))
        {
            var bytes = File.ReadAllBytes(file);
            repo.Files[Path.GetFileName(file)] = file.EndsWith(".safetensors", StringComparison.Ordinal) ? FakeFile.Lfs(bytes) : new FakeFile(bytes, false);
        }
    }

    public void Dispose() => _context.Dispose();

    private Dictionary<string, string?> Environment(bool offline = false)
    {
        var environment = _context.Environment().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["HF_HUB_CACHE"] = null;
        environment["HF_HUB_OFFLINE"] = offline ? "1" : null;
        return environment;
    }

    [Fact]
    public void DownloadFetchesTheModelModelsListsItAndItLoadsOffline()
    {
        var empty = CliRunner.RunWith(null, Environment(), "models");
        Assert.Equal(0, empty.ExitCode);
        Assert.Contains("No models in the Hugging Face cache", empty.Stdout, StringComparison.Ordinal);

        var download = CliRunner.RunWith(null, Environment(), "download", RepoId);
        Assert.True(download.ExitCode == 0, download.Stderr);
        var snapshot = Path.Combine(_context.RepoDirectory(RepoId), "snapshots", HubTestContext.Commit);
        Assert.Contains($"{RepoId} @ {HubTestContext.Commit}: 3 files", download.Stdout, StringComparison.Ordinal);
        Assert.Contains("loads as SharpVL.Models.VideoMAE.VideoMAEForVideoClassification", download.Stdout, StringComparison.Ordinal);
        Assert.Contains("downloading model.safetensors: 100.0%", download.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(snapshot, "model.safetensors")));

        var models = CliRunner.RunWith(null, Environment(), "models", "--json");
        Assert.Equal(0, models.ExitCode);
        using var document = JsonDocument.Parse(models.Stdout);
        var model = Assert.Single(document.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal(RepoId, model.GetProperty("id").GetString());
        var revision = Assert.Single(model.GetProperty("revisions").EnumerateArray());
        Assert.Equal(HubTestContext.Commit, revision.GetProperty("commit").GetString());
        Assert.Equal(["main"], revision.GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(Directory.GetFiles(CliWorkspace.VideoMAE).Sum(f => new FileInfo(f).Length), revision.GetProperty("size_bytes").GetInt64());
        Assert.Equal("SharpVL.Models.VideoMAE.VideoMAEForVideoClassification", revision.GetProperty("sharpvl_class").GetString());
        Assert.Equal("classify", revision.GetProperty("command").GetString());

        var table = CliRunner.RunWith(null, Environment(), "models");
        Assert.Contains($"main ({HubTestContext.Commit[..7]})", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("VideoMAEForVideoClassification", table.Stdout, StringComparison.Ordinal);

        var requests = _context.Hub.TotalGets;
        var offline = CliRunner.RunWith(null, Environment(offline: true), "classify", CliWorkspace.Clip, "--model", RepoId, "--frame-indices", "4,16,28,40", "--jsonl", "--top-k", "1");
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        using var result = JsonDocument.Parse(offline.Stdout);
        Assert.Equal("eating spaghetti", result.RootElement.GetProperty("labels")[0].GetProperty("label").GetString());
        Assert.Equal(0.5638, result.RootElement.GetProperty("labels")[0].GetProperty("score").GetDouble(), 4);
        Assert.Equal(requests, _context.Hub.TotalGets);
    }

    [Fact]
    public void AMissingRepositoryIsOneLineAndExitCode1()
    {
        var (exit, stdout, stderr) = CliRunner.RunWith(null, Environment(), "download", "sharpvl-test/no-such-model");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("sharpvl-test/no-such-model", line, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(_context.CacheDirectory) ? Directory.GetDirectories(_context.CacheDirectory, "snapshots", SearchOption.AllDirectories) : []);
    }
}
