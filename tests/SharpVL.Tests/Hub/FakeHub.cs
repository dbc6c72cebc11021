using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SharpVL.Tests.Hub;

/// <summary>A file in a fake repository; LFS files are served from the CDN and named by SHA-256, others by git SHA-1.</summary>
public sealed record FakeFile(byte[] Content, bool IsLfs)
{
    public static FakeFile Text(string text) => new(Encoding.UTF8.GetBytes(text), false);

    public static FakeFile Lfs(byte[] content) => new(content, true);

    public string Etag => IsLfs ? Sha256(Content) : GitBlobSha1(Content);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>What git names a blob: SHA-1 of "blob {length}\0" followed by the content.</summary>
    public static string GitBlobSha1(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }
}

/// <summary>A repository on the fake Hub.</summary>
public sealed class FakeRepo(string id, string commit)
{
    public string Id { get; } = id;

    public string Commit { get; } = commit;

    public Dictionary<string, FakeFile> Files { get; } = new();

    /// <summary>When set, requests without "Bearer {token}" get 403 GatedRepo.</summary>
    public string? GatedToken { get; init; }

    /// <summary>When set, requests without "Bearer {token}" get 401 (how the Hub hides private repositories).</summary>
    public string? PrivateToken { get; init; }
}

/// <summary>
/// Serves <c>/{repo}/resolve/{revision}/{path}</c> like huggingface.co (HEAD and GET, X-Repo-Commit, ETag,
/// X-Linked-Etag/Size, error codes) and LFS content from a second server standing in for the CDN.
/// </summary>
public sealed class FakeHub : IDisposable
{
    private readonly ConcurrentDictionary<string, FakeRepo> _repos = new();
    private readonly ConcurrentDictionary<string, string> _renamed = new();
    private int _cutNextBodyAfter = -1;

    public FakeHub()
    {
        Cdn = new LoopbackHttpServer(ServeCdnAsync);
        Server = new LoopbackHttpServer(ServeHubAsync);
    }

    public LoopbackHttpServer Server { get; }

    public LoopbackHttpServer Cdn { get; }

    public string Endpoint => Server.Endpoint;

    /// <summary>When true the CDN ignores Range headers and always sends the whole file with 200.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Pause before the CDN sends a body, so concurrent clients really overlap.</summary>
    public TimeSpan CdnDelay { get; set; }

    /// <summary>When set, every body served is cut after this many bytes (a link that keeps breaking).</summary>
    public int? AlwaysCutAfter { get; set; }

    /// <summary>When set, LFS replies announce this size instead of the real one.</summary>
    public long? AnnouncedLfsSize { get; set; }

    /// <summary>When true the CDN serves LFS bodies with one byte altered (same size): what a broken proxy does.</summary>
    public bool AlterLfsBodies { get; set; }

    public FakeRepo AddRepo(string id, string commit, string? gatedToken = null, string? privateToken = null)
    {
        var repo = new FakeRepo(id, commit) { GatedToken = gatedToken, PrivateToken = privateToken };
        _repos[id] = repo;
        return repo;
    }

    /// <summary>Makes the old id answer with a relative redirect to the new one, as the Hub does for renamed repositories.</summary>
    public void Rename(string oldId, string newId) => _renamed[oldId] = newId;

    /// <summary>The next body served (hub or CDN) stops after <paramref name="bytes"/> bytes and the connection is cut.</summary>
    public void CutNextBodyAfter(int bytes) => Volatile.Write(ref _cutNextBodyAfter, bytes);

    public int TotalGets => Server.Count("GET") + Cdn.Count("GET");

    public void Dispose()
    {
        Server.Dispose();
        Cdn.Dispose();
    }

    private async Task ServeHubAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var segments = request.Url!.AbsolutePath.Trim('/').Split('/');
        var resolve = Array.IndexOf(segments, "resolve");
        if (resolve < 1 || segments.Length < resolve + 3)
        {
            response.StatusCode = 404;
            return;
        }

        var repoId = string.Join('/', segments[..resolve]);
        var revision = Uri.UnescapeDataString(segments[resolve + 1]);
        var filename = string.Join('/', segments[(resolve + 2)..].Select(Uri.UnescapeDataString));

        if (_renamed.TryGetValue(repoId, out var newId))
        {
            response.StatusCode = 307;
            response.RedirectLocation = "/" + newId + "/resolve/" + string.Join('/', segments[(resolve + 1)..]);
            return;
        }

        if (!_repos.TryGetValue(repoId, out var repo))
        {
            Error(response, 404, "RepoNotFound", "Repository not found");
            return;
        }

        var authorization = request.Headers["Authorization"];
        if (repo.PrivateToken is { } privateToken && authorization != "Bearer " + privateToken)
        {
            Error(response, 401, null, "Invalid username or password.");
            return;
        }

        if (repo.GatedToken is { } gatedToken && authorization != "Bearer " + gatedToken)
        {
            Error(response, 403, "GatedRepo", "Access to model " + repoId + " is restricted.");
            return;
        }

        if (revision != "main" && revision != repo.Commit)
        {
            Error(response, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }

        response.Headers["X-Repo-Commit"] = repo.Commit;
        if (!repo.Files.TryGetValue(filename, out var file))
        {
            Error(response, 404, "EntryNotFound", "Entry not found");
            return;
        }

        if (file.IsLfs)
        {
            // Like huggingface.co: a redirect to the CDN carrying the LFS metadata.
            response.StatusCode = 302;
            response.Headers["ETag"] = "\"" + FakeFile.GitBlobSha1(Encoding.ASCII.GetBytes("version https://git-lfs.github.com/spec/v1")) + "\"";
            response.Headers["X-Linked-Etag"] = "\"" + file.Etag + "\"";
            response.Headers["X-Linked-Size"] = (AnnouncedLfsSize ?? file.Content.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.RedirectLocation = new Uri(Cdn.BaseUri, "blobs/" + file.Etag).ToString();
            return;
        }

        response.Headers["ETag"] = "\"" + file.Etag + "\"";
        await ServeBodyAsync(context, file.Content, honourRange: true);
    }

    private async Task ServeCdnAsync(HttpListenerContext context)
    {
        var sha = context.Request.Url!.AbsolutePath.Split('/').Last();
        var file = _repos.Values.SelectMany(r => r.Files.Values).FirstOrDefault(f => f.IsLfs && f.Etag == sha);
        if (file is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        await Task.Delay(CdnDelay);
        var content = file.Content;
        if (AlterLfsBodies)
        {
            content = (byte[])content.Clone();
            content[content.Length / 2] ^= 0x5A;
        }
        await ServeBodyAsync(context, content, honourRange: !IgnoreRange);
    }

    private async Task ServeBodyAsync(HttpListenerContext context, byte[] content, bool honourRange)
    {
        var response = context.Response;
        long start = 0;
        var range = context.Request.Headers["Range"];
        if (honourRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                response.StatusCode = 416;
                return;
            }

            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        response.ContentLength64 = content.Length - start;
        if (context.Request.HttpMethod == "HEAD")
        {
            return;
        }

        var cut = AlwaysCutAfter ?? Interlocked.Exchange(ref _cutNextBodyAfter, -1);
        var body = content.AsMemory((int)start);
        if (cut >= 0)
        {
            await response.OutputStream.WriteAsync(body[..Math.Min(cut, body.Length)]);
            await response.OutputStream.FlushAsync();
            response.Abort();
            return;
        }

        await response.OutputStream.WriteAsync(body);
    }

    private static void Error(HttpListenerResponse response, int status, string? code, string message)
    {
        response.StatusCode = status;
        if (code is not null)
        {
            response.Headers["X-Error-Code"] = code;
        }

        response.Headers["X-Error-Message"] = message;
        response.ContentLength64 = 0;
    }
}
