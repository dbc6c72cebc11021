using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

/// <summary>
/// A download is renamed into the cache only once it is proven complete and intact: the ETag's content hash (SHA-256
/// for LFS files, git's blob SHA-1 for the others) and every announced size must match, and a download that stalls is
/// abandoned at an overall deadline.
/// </summary>
public sealed class DownloadVerificationTests : IDisposable
{
    private const string RepoId = "sharpvl-test/verified";
    private static readonly byte[] Content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 13 % 251)).ToArray();
    private readonly HubTestContext _context = new();

    public void Dispose() => _context.Dispose();

    public static TheoryData<string> EtagKinds => ["lfs-sha256", "git-sha1", "opaque"];

    private static (string Header, string Value) EtagHeader(string kind) => kind switch
    {
        "lfs-sha256" => ("X-Linked-Etag", $"\"{FakeFile.Sha256(Content)}\""),
        "git-sha1" => ("ETag", $"\"{FakeFile.GitBlobSha1(Content)}\""),
        _ => ("ETag", "\"v1-opaque-tag\""),
    };

    /// <summary>A Hub that announces no size and ends the GET body by closing the connection after <paramref name="bytes"/>.</summary>
    private static RawHttpServer UnframedHub(string etagKind, int bytes) => new(async (request, stream, cancellation) =>
    {
        var etag = EtagHeader(etagKind);
        if (request.Method == "HEAD")
        {
            await RawHttpServer.WriteHeadAsync(stream, "200 OK", ("X-Repo-Commit", HubTestContext.Commit), etag, ("Connection", "close"));
            return;
        }
        await RawHttpServer.WriteHeadAsync(stream, "200 OK", ("X-Repo-Commit", HubTestContext.Commit), etag, ("Connection", "close"));
        await stream.WriteAsync(Content.AsMemory(0, bytes), cancellation);
    });

    private HubClient Client(string endpoint, Func<HubSettings, HubSettings>? edit = null)
    {
        var settings = _context.Settings(env => env["HF_ENDPOINT"] = endpoint);
        return _context.Client(edit is null ? settings : edit(settings));
    }

    private string[] Blobs() => Directory.Exists(Path.Combine(_context.RepoDirectory(RepoId), "blobs"))
        ? Directory.GetFiles(Path.Combine(_context.RepoDirectory(RepoId), "blobs")).Select(f => Path.GetFileName(f)).ToArray()
        : [];

    [Theory]
    [MemberData(nameof(EtagKinds))]
    public async Task HalfABodyWithoutAnnouncedSizeIsNeverCached(string etagKind)
    {
        using var server = UnframedHub(etagKind, Content.Length / 2);
        var error = await Assert.ThrowsAsync<HubHttpException>(() =>
            Client(server.Endpoint).DownloadFileAsync(RepoId, "model.bin", cancellationToken: _context.Timeout));

        Assert.Contains(etagKind == "opaque" ? "cannot be verified as complete" : "Integrity check failed", error.Message);
        Assert.DoesNotContain(Blobs(), name => !name.EndsWith(".incomplete", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_context.RepoDirectory(RepoId), "snapshots", HubTestContext.Commit, "model.bin")));

        // Later runs do not find the half file either: offline it is simply not cached.
        var offline = _context.Client(_context.Settings(env => env["HF_HUB_OFFLINE"] = "1"));
        await Assert.ThrowsAsync<OfflineCacheMissException>(() => offline.DownloadFileAsync(RepoId, "model.bin", cancellationToken: _context.Timeout));
    }

    [Theory]
    [InlineData("lfs-sha256")]
    [InlineData("git-sha1")]
    public async Task AWholeBodyWithoutAnnouncedSizeIsCachedWhenItsHashMatches(string etagKind)
    {
        using var server = UnframedHub(etagKind, Content.Length);
        var path = await Client(server.Endpoint).DownloadFileAsync(RepoId, "model.bin", cancellationToken: _context.Timeout);
        Assert.Equal(Content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task AnAlteredLfsBodyIsNotStoredUnderItsSha256()
    {
        var repo = _context.Hub.AddRepo(RepoId, HubTestContext.Commit);
        repo.Files["model.safetensors"] = FakeFile.Lfs(Content);
        _context.Hub.AlterLfsBodies = true;

        var error = await Assert.ThrowsAsync<HubHttpException>(() =>
            _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout));
        Assert.Contains("Integrity check failed", error.Message);
        Assert.Contains(FakeFile.Sha256(Content), error.Message);
        Assert.Empty(Blobs());

        // Once the bytes are right, the same client downloads and caches them.
        _context.Hub.AlterLfsBodies = false;
        var path = await _context.Client().DownloadFileAsync(RepoId, "model.safetensors", cancellationToken: _context.Timeout);
        Assert.Equal(Content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ATricklingServerHitsTheStallDeadline()
    {
        // 1 KiB every 100 ms keeps every read well inside the per-read timeout, and would take 20 s for the whole file.
        using var server = new RawHttpServer(async (request, stream, stop) =>
        {
            var headers = new[] { ("X-Repo-Commit", HubTestContext.Commit), EtagHeader("lfs-sha256"), ("Content-Length", Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            await RawHttpServer.WriteHeadAsync(stream, "200 OK", headers);
            if (request.Method == "GET")
            {
                for (var sent = 0; sent < Content.Length; sent += 1024)
                {
                    await stream.WriteAsync(Content.AsMemory(sent, Math.Min(1024, Content.Length - sent)), stop);
                    await Task.Delay(100, stop);
                }
            }
        });
        var client = Client(server.Endpoint, s => s with { StallTimeout = TimeSpan.FromSeconds(1), StallMinimumBytes = 32 << 10 });

        var error = await Assert.ThrowsAsync<HubHttpException>(() => client.DownloadFileAsync(RepoId, "model.bin", cancellationToken: _context.Timeout));

        Assert.Contains("stalled", error.Message);
        Assert.DoesNotContain(Blobs(), name => !name.EndsWith(".incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void StallDeadlineDefaultsAreSet()
    {
        var settings = HubSettings.FromEnvironment(_ => null);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.StallTimeout);
        Assert.Equal(64 << 10, settings.StallMinimumBytes);
    }
}
