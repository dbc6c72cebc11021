using System.Text;
using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

public sealed class ModelLocatorTests : IDisposable
{
    private const string RepoId = "sharpvl-test/xclip-tiny";
    private const string Commit = HubTestContext.Commit;
    private static readonly byte[] Weights = Encoding.ASCII.GetBytes("safetensors-bytes");
    private readonly HubTestContext _context = new();
    private readonly FakeRepo _repo;

    public ModelLocatorTests()
    {
        _repo = _context.Hub.AddRepo(RepoId, Commit);
        _repo.Files["config.json"] = FakeFile.Text("{\"model_type\": \"xclip\"}");
        _repo.Files["preprocessor_config.json"] = FakeFile.Text("{\"size\": 224}");
        _repo.Files["tokenizer.json"] = FakeFile.Text("{\"version\": \"1.0\"}");
    }

    public void Dispose() => _context.Dispose();

    private string Snapshot => Path.Combine(_context.RepoDirectory(RepoId), "snapshots", Commit);

    [Fact]
    public async Task PicksSingleSafetensorsAndSkipsMissingOptionalFiles()
    {
        _repo.Files["model.safetensors"] = FakeFile.Lfs(Weights);
        _repo.Files["pytorch_model.bin"] = FakeFile.Lfs(Encoding.ASCII.GetBytes("unused"));

        var folder = await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal(Snapshot, folder);
        Assert.Equal(
            ["config.json", "model.safetensors", "preprocessor_config.json", "tokenizer.json"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal(Weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.DoesNotContain(_context.Hub.Server.Requests, r => r.Path.EndsWith("pytorch_model.bin", StringComparison.Ordinal));
        // Only the first file is resolved by branch; the rest are pinned to its commit.
        Assert.Equal($"/{RepoId}/resolve/main/config.json", _context.Hub.Server.Requests.First().Path);
        Assert.All(_context.Hub.Server.Requests.Skip(2), r => Assert.Contains($"/resolve/{Commit}/", r.Path));
        var noExist = Path.Combine(_context.RepoDirectory(RepoId), ".no_exist", Commit);
        Assert.Equal(
            ["added_tokens.json", "merges.txt", "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer_config.json", "vocab.json"],
            Directory.GetFiles(noExist).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task FetchesEveryShardOfSafetensorsIndex()
    {
        _repo.Files["model.safetensors.index.json"] = FakeFile.Text("""
            {"metadata": {"total_size": 34},
             "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
                            "b.weight": "model-00002-of-00002.safetensors",
                            "c.weight": "model-00001-of-00002.safetensors"}}
            """);
        _repo.Files["model-00001-of-00002.safetensors"] = FakeFile.Lfs(Encoding.ASCII.GetBytes("shard one"));
        _repo.Files["model-00002-of-00002.safetensors"] = FakeFile.Lfs(Encoding.ASCII.GetBytes("shard two"));

        var folder = await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal("shard one", File.ReadAllText(Path.Combine(folder, "model-00001-of-00002.safetensors")));
        Assert.Equal("shard two", File.ReadAllText(Path.Combine(folder, "model-00002-of-00002.safetensors")));
        Assert.Equal(2, _context.Hub.Cdn.Count("GET"));
        Assert.True(File.Exists(Path.Combine(_context.RepoDirectory(RepoId), ".no_exist", Commit, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(folder, "pytorch_model.bin")));
    }

    [Fact]
    public async Task FallsBackToPytorchBin()
    {
        _repo.Files["pytorch_model.bin"] = FakeFile.Lfs(Weights);

        var folder = await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal(Weights, File.ReadAllBytes(Path.Combine(folder, "pytorch_model.bin")));
        var noExist = Path.Combine(_context.RepoDirectory(RepoId), ".no_exist", Commit);
        Assert.True(File.Exists(Path.Combine(noExist, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(noExist, "model.safetensors.index.json")));
    }

    [Fact]
    public async Task FallsBackToShardedPytorchBin()
    {
        _repo.Files["pytorch_model.bin.index.json"] = FakeFile.Text("{\"weight_map\": {\"w\": \"pytorch_model-00001-of-00001.bin\"}}");
        _repo.Files["pytorch_model-00001-of-00001.bin"] = FakeFile.Lfs(Weights);

        var folder = await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal(Weights, File.ReadAllBytes(Path.Combine(folder, "pytorch_model-00001-of-00001.bin")));
    }

    [Fact]
    public async Task NoWeightsAtAllNamesEveryCandidate()
    {
        var error = await Assert.ThrowsAsync<EntryNotFoundException>(
            () => Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout));

        Assert.Contains(
            "has none of the weight files model.safetensors | model.safetensors.index.json | pytorch_model.bin | pytorch_model.bin.index.json",
            error.Message);
    }

    [Fact]
    public async Task SecondResolveNeedsOneHeadAndNoDownload()
    {
        _repo.Files["model.safetensors"] = FakeFile.Lfs(Weights);
        await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);
        var gets = _context.Hub.TotalGets;
        var requests = _context.Hub.Server.Requests.Count;

        var folder = await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal(Snapshot, folder);
        Assert.Equal(gets, _context.Hub.TotalGets);
        Assert.Equal(requests + 1, _context.Hub.Server.Requests.Count);
    }

    [Fact]
    public async Task OfflineResolveUsesCacheOnly()
    {
        _repo.Files["model.safetensors"] = FakeFile.Lfs(Weights);
        await Locator().ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);
        var requests = _context.Hub.Server.Requests.Count;
        using var offline = new HubClient(_context.Settings(env => env["HF_HUB_OFFLINE"] = "1"));

        var folder = await new ModelLocator(offline).ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout);

        Assert.Equal(Snapshot, folder);
        Assert.Equal(requests, _context.Hub.Server.Requests.Count);
    }

    [Fact]
    public async Task OfflineWithoutCacheFailsOnRequiredFile()
    {
        using var offline = new HubClient(_context.Settings(env => env["HF_HUB_OFFLINE"] = "1"));

        var error = await Assert.ThrowsAsync<OfflineCacheMissException>(
            () => new ModelLocator(offline).ResolvePretrainedAsync(RepoId, cancellationToken: _context.Timeout));

        Assert.Equal("config.json", error.Filename);
    }

    [Fact]
    public async Task RevisionSuffixPinsCommit()
    {
        _repo.Files["model.safetensors"] = FakeFile.Lfs(Weights);

        var folder = await Locator().ResolvePretrainedAsync($"{RepoId}@{Commit}", cancellationToken: _context.Timeout);

        Assert.Equal(Snapshot, folder);
        Assert.All(_context.Hub.Server.Requests, r => Assert.Contains($"/resolve/{Commit}/", r.Path));
        Assert.False(Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "refs")));
    }

    [Fact]
    public async Task ConflictingRevisionsAreRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Locator().ResolvePretrainedAsync($"{RepoId}@v1", "v2", cancellationToken: _context.Timeout));

        Assert.Contains("asks for revision 'v1' but revision 'v2' was also given", error.Message);
    }

    [Fact]
    public async Task CustomRequiredAndOptionalFiles()
    {
        var folder = await Locator().ResolveAsync(
            RepoId, null, ["preprocessor_config.json"], ["tokenizer.json", "vocab.json"], cancellationToken: _context.Timeout);

        Assert.Equal(["preprocessor_config.json", "tokenizer.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        var error = await Assert.ThrowsAsync<EntryNotFoundException>(
            () => Locator().ResolveAsync(RepoId, null, ["vocab.json"], [], cancellationToken: _context.Timeout));
        Assert.Equal("vocab.json", error.Filename);
    }

    [Fact]
    public async Task LocalFolderIsReturnedAsIs()
    {
        var local = Path.Combine(_context.Home, "my-model");
        Directory.CreateDirectory(local);

        Assert.Equal(local, await Locator().ResolvePretrainedAsync(local, cancellationToken: _context.Timeout));
        Assert.Empty(_context.Hub.Server.Requests);
    }

    [Theory]
    [InlineData("./models/missing")]
    [InlineData("/definitely/not/here")]
    [InlineData("some/deep/path")]
    public async Task MissingLocalPathIsDirectoryNotFound(string path)
    {
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(
            () => Locator().ResolvePretrainedAsync(path, cancellationToken: _context.Timeout));

        Assert.Contains($"Model folder '{path}'", error.Message);
        Assert.Empty(_context.Hub.Server.Requests);
    }

    [Fact]
    public async Task InvalidHubIdIsArgumentError()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Locator().ResolvePretrainedAsync("not a model!", cancellationToken: _context.Timeout));

        Assert.Contains("is neither an existing folder nor a valid Hub id", error.Message);
    }

    [Fact]
    public void SynchronousWrapperResolves()
    {
        _repo.Files["model.safetensors"] = FakeFile.Lfs(Weights);

        Assert.Equal(Snapshot, Locator().ResolvePretrained(RepoId));
    }

    [Fact]
    public void CorruptShardIndexIsNamed()
    {
        var index = Path.Combine(_context.Home, "model.safetensors.index.json");
        File.WriteAllText(index, "{\"metadata\": {}}");

        var error = Assert.Throws<SharpVL.Checkpoints.CheckpointException>(() => ShardIndex.ReadShardFiles(index));

        Assert.Contains($"'{index}' has no \"weight_map\" object", error.Message);
        Assert.Equal(index, error.FilePath);
        File.WriteAllText(index, "{\"weight_map\": {\"a\": \"../model.safetensors\"}}");
        Assert.Contains("plain file name", Assert.Throws<SharpVL.Checkpoints.CheckpointException>(() => ShardIndex.ReadShardFiles(index)).Message);
    }

    private ModelLocator Locator() => new(_context.Client());
}
