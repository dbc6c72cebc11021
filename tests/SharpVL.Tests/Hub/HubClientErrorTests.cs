using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

public sealed class HubClientErrorTests : IDisposable
{
    private const string RepoId = "sharpvl-test/tiny-model";
    private readonly HubTestContext _context = new();

    public HubClientErrorTests()
    {
        var repo = _context.Hub.AddRepo(RepoId, HubTestContext.Commit);
        repo.Files["config.json"] = FakeFile.Text("{\"hidden_size\": 8}");
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task GatedRepoWithoutTokenExplainsHowToGetAccess()
    {
        _context.Hub.AddRepo("org/gated", HubTestContext.Commit, gatedToken: "hf_right").Files["config.json"] = FakeFile.Text("{}");

        var error = await Assert.ThrowsAsync<GatedRepoException>(
            () => _context.Client().DownloadFileAsync("org/gated", "config.json", cancellationToken: _context.Timeout));

        Assert.Contains("request access at " + _context.Hub.Endpoint + "/org/gated", error.Message);
        Assert.Contains("HF_TOKEN", error.Message);
        Assert.Contains("no token was sent", error.Message);
        AssertNamesRequest(error, "org/gated", "config.json", "main");
        Assert.Null(Assert.Single(_context.Hub.Server.Requests).Authorization);
    }

    [Fact]
    public async Task GatedRepoWithWrongTokenSaysTokenLacksAccess()
    {
        _context.Hub.AddRepo("org/gated", HubTestContext.Commit, gatedToken: "hf_right").Files["config.json"] = FakeFile.Text("{}");
        var settings = _context.Settings(env => env["HF_TOKEN"] = "hf_wrong");

        var error = await Assert.ThrowsAsync<GatedRepoException>(
            () => _context.Client(settings).DownloadFileAsync("org/gated", "config.json", cancellationToken: _context.Timeout));

        Assert.Contains("the token that was sent does not grant access", error.Message);
        Assert.Equal("Bearer hf_wrong", Assert.Single(_context.Hub.Server.Requests).Authorization);
        Assert.DoesNotContain("hf_wrong", error.Message);
    }

    [Fact]
    public async Task MissingRepositoryIsRepositoryNotFound()
    {
        var error = await Assert.ThrowsAsync<RepositoryNotFoundException>(
            () => _context.Client().DownloadFileAsync("org/does-not-exist", "config.json", cancellationToken: _context.Timeout));

        Assert.Contains("Repository 'org/does-not-exist' was not found (HTTP 404, RepoNotFound", error.Message);
        AssertNamesRequest(error, "org/does-not-exist", "config.json", "main");
    }

    [Fact]
    public async Task PrivateRepositoryWithoutTokenIsRepositoryNotFound()
    {
        _context.Hub.AddRepo("org/private", HubTestContext.Commit, privateToken: "hf_owner").Files["config.json"] = FakeFile.Text("{}");

        var error = await Assert.ThrowsAsync<RepositoryNotFoundException>(
            () => _context.Client().DownloadFileAsync("org/private", "config.json", cancellationToken: _context.Timeout));

        Assert.Contains("HTTP 401", error.Message);
        Assert.Contains("if the repository is private, set HF_TOKEN", error.Message);
    }

    [Fact]
    public async Task MissingEntryIsRememberedInNoExistLikePython()
    {
        var client = _context.Client();

        var error = await Assert.ThrowsAsync<EntryNotFoundException>(
            () => client.DownloadFileAsync(RepoId, "sub/missing.json", cancellationToken: _context.Timeout));

        Assert.Equal(HubTestContext.Commit, error.CommitHash);
        AssertNamesRequest(error, RepoId, "sub/missing.json", "main");
        var marker = Path.Combine(_context.RepoDirectory(RepoId), ".no_exist", HubTestContext.Commit, "sub", "missing.json");
        Assert.Equal(0, new FileInfo(marker).Length);
        Assert.Equal(HubTestContext.Commit, File.ReadAllText(Path.Combine(_context.RepoDirectory(RepoId), "refs", "main")));
        var lookup = client.Cache.TryGetCachedFile(RepoId, "sub/missing.json");
        Assert.Equal(new CacheLookup(CacheLookupStatus.KnownMissing, null, HubTestContext.Commit), lookup);
    }

    [Fact]
    public async Task UnknownRevisionIsRevisionNotFound()
    {
        var error = await Assert.ThrowsAsync<RevisionNotFoundException>(
            () => _context.Client().DownloadFileAsync(RepoId, "config.json", "v9.9", cancellationToken: _context.Timeout));

        AssertNamesRequest(error, RepoId, "config.json", "v9.9");
        Assert.False(Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "refs")));
    }

    [Fact]
    public async Task OfflineModeServesCacheWithoutAnyRequest()
    {
        var online = await _context.Client().DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);
        var requestsOnline = _context.Hub.Server.Requests.Count;
        var offline = _context.Settings(env => env["HF_HUB_OFFLINE"] = "1");

        var path = await _context.Client(offline).DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);

        Assert.Equal(online, path);
        Assert.Equal(requestsOnline, _context.Hub.Server.Requests.Count);
    }

    [Fact]
    public async Task OfflineModeWithoutCacheSaysSo()
    {
        var offline = _context.Settings(env => env["HF_HUB_OFFLINE"] = "true");

        var error = await Assert.ThrowsAsync<OfflineCacheMissException>(
            () => _context.Client(offline).DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout));

        Assert.Contains($"is not in the cache at {_context.RepoDirectory(RepoId)} and HF_HUB_OFFLINE=1", error.Message);
        AssertNamesRequest(error, RepoId, "config.json", "main");
        Assert.Empty(_context.Hub.Server.Requests);
    }

    [Fact]
    public async Task UnreachableEndpointFallsBackToCachedRefs()
    {
        var cached = await _context.Client().DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);
        using var closedPort = LoopbackHttpServer.ReserveClosedPort();
        var unreachable = _context.Settings(env => env["HF_ENDPOINT"] = LoopbackHttpServer.EndpointOf(closedPort));

        var path = await _context.Client(unreachable).DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);

        Assert.Equal(cached, path);
        Assert.Equal("{\"hidden_size\": 8}", File.ReadAllText(path));
    }

    [Fact]
    public async Task UnreachableEndpointWithoutCacheIsClearError()
    {
        using var closedPort = LoopbackHttpServer.ReserveClosedPort();
        var endpoint = LoopbackHttpServer.EndpointOf(closedPort);
        var unreachable = _context.Settings(env => env["HF_ENDPOINT"] = endpoint);

        var error = await Assert.ThrowsAsync<OfflineCacheMissException>(
            () => _context.Client(unreachable).DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout));

        Assert.Contains("Could not reach the Hub", error.Message);
        Assert.Contains("no network and not cached", error.Message);
        Assert.Equal(endpoint, error.Endpoint);
        Assert.Contains("endpoint " + endpoint, error.Message);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task GatedErrorFallsBackToCacheWhenFileIsCached()
    {
        var cached = await _context.Client().DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);
        // The same repository id, now gated (e.g. the owner added a gate after the download).
        _context.Hub.AddRepo(RepoId, HubTestContext.Commit, gatedToken: "hf_new").Files["config.json"] = FakeFile.Text("{}");

        var path = await _context.Client().DownloadFileAsync(RepoId, "config.json", cancellationToken: _context.Timeout);

        Assert.Equal(cached, path);
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b.json")]
    [InlineData("")]
    public async Task RejectsFileNamesThatLeaveTheSnapshot(string filename)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _context.Client().DownloadFileAsync(RepoId, filename, cancellationToken: _context.Timeout));

        Assert.Contains($"'{filename}' is not a valid file path", error.Message);
        Assert.Empty(_context.Hub.Server.Requests);
    }

    private void AssertNamesRequest(HubException error, string repoId, string filename, string revision)
    {
        Assert.Equal((repoId, filename, revision, _context.Hub.Endpoint), (error.RepoId, error.Filename, error.Revision, error.Endpoint));
        Assert.EndsWith(
            $"(repository '{repoId}', file '{filename}', revision '{revision}', endpoint {_context.Hub.Endpoint})", error.Message);
    }
}
