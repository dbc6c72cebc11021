using System.Text;
using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

public sealed class HubClientDownloadTests : IDisposable
{
    private const string RepoId = "sharpvl-test/tiny-model";
    private static readonly byte[] LfsContent = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251)).ToArray();
    private readonly HubTestContext _context = new();
    private readonly FakeRepo _repo;

    public HubClientDownloadTests()
    {
        _repo = _context.Hub.AddRepo(RepoId, HubTestContext.Commit);
        _repo.Files["config.json"] = FakeFile.Text("{\"model_type\": \"videomae\"}\n");
        _repo.Files["model.safetensors"] = FakeFile.Lfs(LfsContent);
        _repo.Files["nested/dir/notes.txt"] = FakeFile.Text("nested");
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task DownloadsIntoPythonCacheLayout()
    {
        var client = _context.Client();
        var configPath = await client.DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);
        var weightsPath = await client.DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);
        var nestedPath = await client.DownloadFileAsync(RepoId, "nested/dir/notes.txt", cancellationToken: _context.Timeout);

        var repoDir = Path.Combine(_context.Home, "hub", "models--sharpvl-test--tiny-model");
        Assert.Equal(HubTestContext.Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        var snapshot = Path.Combine(repoDir, "snapshots", HubTestContext.Commit);
        Assert.Equal(Path.Combine(snapshot, "config.json"), configPath);
        Assert.Equal(Path.Combine(snapshot, "model.safetensors"), weightsPath);
        Assert.Equal(Path.Combine(snapshot, "nested", "dir", "notes.txt"), nestedPath);

        // Blob names: git SHA-1 for a regular file, SHA-256 (X-Linked-Etag) for an LFS file.
        var configEtag = FakeFile.GitBlobSha1(Encoding.UTF8.GetBytes("{\"model_type\": \"videomae\"}\n"));
        var weightsEtag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(LfsContent));
        Assert.Equal("../../blobs/" + configEtag, new FileInfo(configPath).LinkTarget);
        Assert.Equal("../../blobs/" + weightsEtag, new FileInfo(weightsPath).LinkTarget);
        Assert.Equal("../../../../blobs/" + _repo.Files["nested/dir/notes.txt"].Etag, new FileInfo(nestedPath).LinkTarget);
        Assert.Equal(LfsContent, File.ReadAllBytes(Path.Combine(repoDir, "blobs", weightsEtag)));
        Assert.Equal("{\"model_type\": \"videomae\"}\n", File.ReadAllText(configPath));

        Assert.Equal(["blobs", "refs", "snapshots"], Directory.GetFileSystemEntries(repoDir).Select(Path.GetFileName).Order());
        Assert.Equal(
            new[] { configEtag, weightsEtag, _repo.Files["nested/dir/notes.txt"].Etag }.Order(),
            Directory.GetFiles(Path.Combine(repoDir, "blobs")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task SecondCallIsServedFromCacheWithoutGet()
    {
        var client = _context.Client();
        var first = await client.DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);
        Assert.Equal(1, _context.Hub.Cdn.Count("GET"));

        var second = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);

        Assert.Equal(first, second);
        Assert.Equal(0, _context.Hub.Server.Count("GET"));
        Assert.Equal(1, _context.Hub.Cdn.Count("GET"));
        Assert.Equal(2, _context.Hub.Server.Count("HEAD"));
    }

    [Fact]
    public async Task CommitHashRevisionInCacheNeedsNoRequest()
    {
        var client = _context.Client();
        await client.DownloadFileAsync(RepoId, "config.json", HubTestContext.Commit, cancellationToken: _context.Timeout);
        var requestsAfterDownload = _context.Hub.Server.Requests.Count;

        var path = await client.DownloadFileAsync(RepoId, "config.json", HubTestContext.Commit, cancellationToken: _context.Timeout);

        Assert.Equal(requestsAfterDownload, _context.Hub.Server.Requests.Count);
        Assert.Equal(Path.Combine(_context.RepoDirectory(RepoId), "snapshots", HubTestContext.Commit, "config.json"), path);
        // A commit hash is not a ref: nothing is written under refs/.
        Assert.False(Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "refs")));
        Assert.Contains(_context.Hub.Server.Requests, r => r.Path == $"/{RepoId}/resolve/{HubTestContext.Commit}/config.json");
    }

    [Fact]
    public async Task ResumesWithRangeAfterConnectionIsCutMidBody()
    {
        _context.Hub.CutNextBodyAfter(100_000);
        var progress = new RecordingProgress();

        var path = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", progress: progress, cancellationToken: _context.Timeout);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        var cdnGets = _context.Hub.Cdn.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, cdnGets.Count);
        Assert.Null(cdnGets[0].Range);
        Assert.Equal("bytes=100000-", cdnGets[1].Range);
        AssertNoPartialFiles();
        var last = progress.Reports.Last();
        Assert.Equal(new DownloadProgress("model.safetensors", LfsContent.Length, LfsContent.Length, IsCompleted: true), last);
        Assert.Single(progress.Reports, r => r.IsCompleted);
    }

    [Fact]
    public async Task KeepsPartialFileWhenLinkKeepsBreaking()
    {
        var incomplete = Path.Combine(_context.RepoDirectory(RepoId), "blobs", _repo.Files["model.safetensors"].Etag + ".incomplete");
        Directory.CreateDirectory(Path.GetDirectoryName(incomplete)!);
        File.WriteAllBytes(incomplete, LfsContent[..50_000]);

        var first = await Assert.ThrowsAsync<HubHttpException>(() => DownloadWithBreakingLink(cutAfter: 0));

        Assert.Contains("failed 3 times", first.Message);
        Assert.Contains("the next attempt resumes from it", first.Message);
        Assert.All(_context.Hub.Cdn.Requests, r => Assert.Equal("bytes=50000-", r.Range));
        Assert.Equal(LfsContent[..50_000], File.ReadAllBytes(incomplete));
        Assert.False(Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "snapshots")));

        _context.Hub.AlwaysCutAfter = null;
        var path = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        Assert.Equal("bytes=50000-", _context.Hub.Cdn.Requests.Last().Range);
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task ProgressOnEveryAttemptResetsTheRetryBudget()
    {
        // Each attempt brings 40 kB then breaks: far more breaks than MaxResumeAttempts, yet the file completes.
        var path = await DownloadWithBreakingLink(cutAfter: 40_000);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        Assert.Equal(8, _context.Hub.Cdn.Count("GET"));
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task ConcurrentDownloadsOfOneBlobDownloadItOnce()
    {
        var client = _context.Client();
        // Without the blob lock every caller would pass its HEAD while the first GET is still held here.
        _context.Hub.CdnDelay = TimeSpan.FromMilliseconds(500);

        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(
            _ => client.DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout)));

        Assert.Single(paths.Distinct());
        Assert.Equal(LfsContent, File.ReadAllBytes(paths[0]));
        Assert.Equal(1, _context.Hub.Cdn.Count("GET"));
    }

    [Fact]
    public async Task ResumesIncompleteFileLeftByEarlierProcess()
    {
        var blobs = Path.Combine(_context.RepoDirectory(RepoId), "blobs");
        Directory.CreateDirectory(blobs);
        var etag = _repo.Files["model.safetensors"].Etag;
        File.WriteAllBytes(Path.Combine(blobs, etag + ".incomplete"), LfsContent[..123_456]);

        var path = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        Assert.Equal("bytes=123456-", Assert.Single(_context.Hub.Cdn.Requests, r => r.Method == "GET").Range);
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task RestartsWhenServerIgnoresRange()
    {
        var blobs = Path.Combine(_context.RepoDirectory(RepoId), "blobs");
        Directory.CreateDirectory(blobs);
        // Garbage that must be overwritten, not kept as a prefix, when the server replies 200 to the range request.
        File.WriteAllBytes(Path.Combine(blobs, _repo.Files["model.safetensors"].Etag + ".incomplete"), new byte[5000]);
        _context.Hub.IgnoreRange = true;

        var path = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        Assert.Equal("bytes=5000-", Assert.Single(_context.Hub.Cdn.Requests, r => r.Method == "GET").Range);
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task ReportsSizeOfRegularFileFromHeadContentLength()
    {
        var progress = new RecordingProgress();
        var length = _repo.Files["config.json"].Content.Length;

        await _context.Client().DownloadFileAsync(RepoId, "config.json", progress: progress, cancellationToken: _context.Timeout);

        Assert.Equal(new DownloadProgress("config.json", 0, length), progress.Reports.First());
        Assert.Equal(new DownloadProgress("config.json", length, length, IsCompleted: true), progress.Reports.Last());
    }

    [Fact]
    public async Task SizeMismatchLeavesNoBlobOrSnapshot()
    {
        _context.Hub.AnnouncedLfsSize = LfsContent.Length + 10;

        var error = await Assert.ThrowsAsync<HubHttpException>(
            () => _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout));

        Assert.Contains($"should be {LfsContent.Length + 10} bytes but {LfsContent.Length} were received", error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_context.RepoDirectory(RepoId), "blobs")));
        Assert.False(Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "snapshots")));
    }

    [Fact]
    public async Task SendsTokenAsBearerToHubButNotToCdn()
    {
        _context.Hub.AddRepo("org/gated", HubTestContext.Commit, gatedToken: "hf_secret").Files["model.safetensors"] = FakeFile.Lfs(LfsContent);
        var settings = _context.Settings(env => env["HF_TOKEN"] = "hf_secret");

        var path = await _context.Client(settings).DownloadFileAsync("org/gated", "model.safetensors", cancellationToken: _context.Timeout);

        Assert.Equal(LfsContent, File.ReadAllBytes(path));
        Assert.All(_context.Hub.Server.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization));
        Assert.All(_context.Hub.Cdn.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task ReadsTokenFromHfHomeTokenFile()
    {
        _context.Hub.AddRepo("org/gated", HubTestContext.Commit, gatedToken: "hf_from_file").Files["config.json"] = FakeFile.Text("{}");
        File.WriteAllText(Path.Combine(_context.Home, "token"), "hf_from_file\n");

        await _context.Client().DownloadFileAsync("org/gated", "config.json", cancellationToken: _context.Timeout);

        Assert.Equal("Bearer hf_from_file", Assert.Single(_context.Hub.Server.Requests, r => r.Method == "GET").Authorization);
    }

    [Fact]
    public async Task FollowsRelativeRedirectOfRenamedRepository()
    {
        _context.Hub.Rename("sharpvl-test/old-name", RepoId);

        var path = await _context.Client().DownloadFileAsync("sharpvl-test/old-name", "config.json", cancellationToken: _context.Timeout);

        // Cached under the id that was asked for, downloaded from the final URL.
        Assert.Equal(Path.Combine(_context.RepoDirectory("sharpvl-test/old-name"), "snapshots", HubTestContext.Commit, "config.json"), path);
        Assert.Equal($"/{RepoId}/resolve/main/config.json", Assert.Single(_context.Hub.Server.Requests, r => r.Method == "GET").Path);
    }

    [Fact]
    public async Task HonoursHfEndpointAndHfHomeFromEnvironment()
    {
        var environment = _context.Environment();
        var settings = HubSettings.FromEnvironment(name => environment.GetValueOrDefault(name));
        using var client = new HubClient(settings);

        var path = await client.DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);

        Assert.Equal(_context.Hub.Endpoint, settings.Endpoint);
        Assert.StartsWith(Path.Combine(_context.Home, "hub") + Path.DirectorySeparatorChar, path);
        Assert.Equal(2, _context.Hub.Server.Requests.Count);
    }

    private Task<string> DownloadWithBreakingLink(int cutAfter)
    {
        _context.Hub.AlwaysCutAfter = cutAfter;
        var settings = _context.Settings() with { MaxResumeAttempts = 2 };
        return _context.Client(settings).DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);
    }

    private void AssertNoPartialFiles() =>
        Assert.Empty(Directory.GetFiles(_context.CacheDirectory, "*.incomplete", SearchOption.AllDirectories));

    private sealed class RecordingProgress : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }
}
