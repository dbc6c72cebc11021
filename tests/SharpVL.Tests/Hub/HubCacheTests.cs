using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

/// <summary>Lookups in a cache laid out by hand exactly as Python's huggingface_hub writes it.</summary>
public sealed class HubCacheTests : IDisposable
{
    private const string Main = "1111111111111111111111111111111111111111";
    private const string Old = "2222222222222222222222222222222222222222";
    private const string BlobName = "a3f5c0b9d2e1f4a7b6c5d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9";
    private readonly string _cache = TestScratch.CreateDirectory("sharpvl-cache-").FullName;
    private readonly string _repo;

    public HubCacheTests()
    {
        _repo = Path.Combine(_cache, "models--openai--clip-vit-base-patch32");
        Directory.CreateDirectory(Path.Combine(_repo, "blobs"));
        File.WriteAllText(Path.Combine(_repo, "blobs", BlobName), "weights");
        Directory.CreateDirectory(Path.Combine(_repo, "refs", "refs", "pr"));
        File.WriteAllText(Path.Combine(_repo, "refs", "main"), Main);
        File.WriteAllText(Path.Combine(_repo, "refs", "refs", "pr", "1"), Old);
        Directory.CreateDirectory(Path.Combine(_repo, "snapshots", Main));
        File.CreateSymbolicLink(Path.Combine(_repo, "snapshots", Main, "model.safetensors"), "../../blobs/" + BlobName);
        Directory.CreateDirectory(Path.Combine(_repo, ".no_exist", Main));
        File.WriteAllBytes(Path.Combine(_repo, ".no_exist", Main, "tokenizer.json"), []);
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Theory]
    [InlineData("openai/clip-vit-base-patch32", "models--openai--clip-vit-base-patch32")]
    [InlineData("gpt2", "models--gpt2")]
    public void RepoFolderNameMatchesPython(string repoId, string folder) => Assert.Equal(folder, HubCache.GetRepoFolderName(repoId));

    [Fact]
    public void FindsFileThroughBranchRef()
    {
        var lookup = new HubCache(_cache).TryGetCachedFile("openai/clip-vit-base-patch32", "model.safetensors");

        Assert.Equal(CacheLookupStatus.Found, lookup.Status);
        Assert.Equal(Path.Combine(_repo, "snapshots", Main, "model.safetensors"), lookup.Path);
        Assert.Equal("weights", File.ReadAllText(lookup.Path!));
    }

    [Fact]
    public void FindsFileByCommitHashAndSeesOtherCommitsAsNotCached()
    {
        var cache = new HubCache(_cache);

        Assert.True(cache.TryGetCachedFile("openai/clip-vit-base-patch32", "model.safetensors", Main).IsFound);
        Assert.Equal(
            new CacheLookup(CacheLookupStatus.NotCached, null, Old),
            cache.TryGetCachedFile("openai/clip-vit-base-patch32", "model.safetensors", "refs/pr/1"));
        Assert.Equal(
            new CacheLookup(CacheLookupStatus.NotCached, null, null),
            cache.TryGetCachedFile("openai/clip-vit-base-patch32", "model.safetensors", "v2.0"));
        Assert.Equal(
            new CacheLookup(CacheLookupStatus.NotCached, null, null),
            cache.TryGetCachedFile("someone/else", "model.safetensors"));
    }

    [Fact]
    public void ReadsNoExistMarkers()
    {
        var lookup = new HubCache(_cache).TryGetCachedFile("openai/clip-vit-base-patch32", "tokenizer.json", "main");

        Assert.Equal(new CacheLookup(CacheLookupStatus.KnownMissing, null, Main), lookup);
    }

    [Fact]
    public void SnapshotLinkWithDeletedBlobIsNotCached()
    {
        File.Delete(Path.Combine(_repo, "blobs", BlobName));

        var lookup = new HubCache(_cache).TryGetCachedFile("openai/clip-vit-base-patch32", "model.safetensors");

        Assert.Equal(CacheLookupStatus.NotCached, lookup.Status);
    }

    [Fact]
    public void WritesRefsAndRelativeLinksLikePython()
    {
        var cache = new HubCache(_cache);
        cache.WriteRef("openai/clip-vit-base-patch32", "v1.0", Old);
        cache.WriteRef("openai/clip-vit-base-patch32", Old, Old);
        var link = cache.LinkSnapshotFile(
            "openai/clip-vit-base-patch32", Old, "text/model.safetensors", Path.Combine(_repo, "blobs", BlobName), newBlob: false);

        Assert.Equal(Old, File.ReadAllText(Path.Combine(_repo, "refs", "v1.0")));
        Assert.False(File.Exists(Path.Combine(_repo, "refs", Old)));
        Assert.Equal("../../../blobs/" + BlobName, new FileInfo(link).LinkTarget);
        Assert.Equal("weights", File.ReadAllText(link));
    }

    [Fact]
    public void RejectsRevisionsThatLeaveRefs()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new HubCache(_cache).TryGetCachedFile("openai/clip-vit-base-patch32", "config.json", "../../x"));

        Assert.Contains("'../../x' is not a valid revision", error.Message);
    }
}
