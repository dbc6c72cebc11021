using System.Globalization;

namespace SharpVL.Hub;

/// <summary>
/// Downloads files from the Hugging Face Hub into the shared cache, following the protocol of Python's
/// <c>hf_hub_download</c>: HEAD on <c>/resolve/</c> for commit, ETag and size; GET (through the LFS CDN redirect)
/// into a resumable <c>.incomplete</c> file; atomic rename into <c>blobs/</c>; relative symlink from <c>snapshots/</c>.
/// In offline mode, or when the Hub cannot be reached, files come from the cache.
/// </summary>
public sealed class HubClient : IDisposable
{
    private const int MaxRelativeRedirects = 10;
    private readonly HttpClient _httpClient;
    private readonly HubHttp _http;
    private readonly BlobDownloader _downloader;

    /// <summary>Creates a client.</summary>
    /// <param name="settings">Endpoint, cache, token and offline switch; defaults to <see cref="HubSettings.FromEnvironment"/>.</param>
    /// <param name="handler">
    /// HTTP handler to use (e.g. with a proxy). It must not follow redirects itself: the client needs to see them to keep
    /// the token away from other hosts. The default is a <see cref="SocketsHttpHandler"/> configured that way.
    /// </param>
    public HubClient(HubSettings? settings = null, HttpMessageHandler? handler = null)
    {
        Settings = settings ?? HubSettings.FromEnvironment();
        Cache = new HubCache(Settings.CacheDirectory);
        _httpClient = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http = new HubHttp(_httpClient, Settings);
        _downloader = new BlobDownloader(_http, Settings);
    }

    /// <summary>Settings this client uses.</summary>
    public HubSettings Settings { get; }

    /// <summary>The cache files are stored in.</summary>
    public HubCache Cache { get; }

    /// <summary>
    /// Returns the local snapshot path of <paramref name="filename"/> in <paramref name="repoId"/>, downloading it
    /// unless the cache already has it for the revision's current commit.
    /// </summary>
    /// <param name="repoId">Repository id, <c>namespace/name</c> or <c>name</c>.</param>
    /// <param name="filename">Path inside the repository, '/'-separated.</param>
    /// <param name="revision">Branch, tag or commit hash; <c>main</c> when null.</param>
    /// <param name="progress">Receives throttled progress and a final report when bytes are actually downloaded.</param>
    /// <param name="cancellationToken">Cancels the request; a partial download stays resumable.</param>
    /// <exception cref="RepositoryNotFoundException">No such repository, or a private one without a valid token.</exception>
    /// <exception cref="GatedRepoException">Access must be requested and a token set.</exception>
    /// <exception cref="RevisionNotFoundException">No such branch, tag or commit.</exception>
    /// <exception cref="EntryNotFoundException">No such file at that revision.</exception>
    /// <exception cref="OfflineCacheMissException">Offline or unreachable Hub and the file is not cached.</exception>
    /// <exception cref="HubHttpException">Any other HTTP failure, or a download that kept breaking.</exception>
    public async Task<string> DownloadFileAsync(
        string repoId,
        string filename,
        string? revision = null,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var resolved = await ResolveFileAsync(repoId, filename, revision, progress, cancellationToken).ConfigureAwait(false);
        return resolved.Path;
    }

    /// <summary>Like <see cref="DownloadFileAsync"/>, also returning the commit the file was resolved at.</summary>
    internal async Task<ResolvedHubFile> ResolveFileAsync(
        string repoId, string filename, string? revision, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        HubNames.ValidateRepoId(repoId);
        HubNames.SplitFilename(filename);
        revision ??= HubNames.DefaultRevision;
        HubNames.ValidateRevision(revision);
        var request = new HubFileRequest(repoId, filename, revision, Settings.Endpoint);

        // A commit hash names immutable content: a cached copy needs no request at all.
        if (HubNames.IsCommitHash(revision))
        {
            var pinned = Cache.GetSnapshotPath(repoId, revision, filename);
            if (HubCache.IsReadableFile(pinned))
            {
                return new ResolvedHubFile(pinned, revision);
            }
        }

        if (Settings.Offline)
        {
            return FromCacheOrThrow(request, () => new OfflineCacheMissException(
                $"'{filename}' of '{repoId}' is not in the cache at {Cache.GetRepoDirectory(repoId)} and HF_HUB_OFFLINE=1, so the Hub was not contacted; "
                + "download it once online or unset HF_HUB_OFFLINE",
                request));
        }

        HubFileMetadata metadata;
        try
        {
            metadata = await GetMetadataAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (EntryNotFoundException e)
        {
            if (e.CommitHash is { } missingAt)
            {
                Cache.MarkMissing(repoId, missingAt, filename);
                Cache.WriteRef(repoId, revision, missingAt);
            }

            throw;
        }
        catch (Exception e) when (e is RepositoryNotFoundException or GatedRepoException or HubHttpException)
        {
            // Like huggingface_hub: an auth problem or a Hub outage should not break a model that is already cached.
            return FromCacheOrThrow(request, () => (HubException)e);
        }
        catch (Exception e) when (BlobDownloader.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            return FromCacheOrThrow(request, () => new OfflineCacheMissException(
                $"Could not reach the Hub ({e.Message}) and '{filename}' of '{repoId}' is not in the cache at {Cache.GetRepoDirectory(repoId)}: "
                + "no network and not cached",
                request,
                e));
        }

        Cache.WriteRef(repoId, revision, metadata.CommitHash);
        var pointer = Cache.GetSnapshotPath(repoId, metadata.CommitHash, filename);
        if (HubCache.IsReadableFile(pointer))
        {
            return new ResolvedHubFile(pointer, metadata.CommitHash);
        }

        var blob = Cache.GetBlobPath(repoId, metadata.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        using (await CacheFileLock.AcquireAsync(Cache.GetLockPath(repoId, metadata.Etag), cancellationToken).ConfigureAwait(false))
        {
            // Another process may have finished this blob while we waited for the lock.
            if (File.Exists(blob))
            {
                Cache.LinkSnapshotFile(repoId, metadata.CommitHash, filename, blob, newBlob: false);
                return new ResolvedHubFile(pointer, metadata.CommitHash);
            }

            var incomplete = blob + ".incomplete";
            var throttle = new ProgressThrottle(progress, filename, metadata.Size);
            var framing = await _downloader.DownloadAsync(metadata.Location, incomplete, metadata.Size, request, throttle, cancellationToken)
                .ConfigureAwait(false);
            BlobVerification.Verify(incomplete, metadata.Etag, metadata.Size, framing, request);
            File.Move(incomplete, blob, overwrite: true);
            Cache.LinkSnapshotFile(repoId, metadata.CommitHash, filename, blob, newBlob: true);
            throttle.Complete(new FileInfo(blob).Length);
        }

        return new ResolvedHubFile(pointer, metadata.CommitHash);
    }

    /// <summary>Builds <c>{endpoint}/{repo_id}/resolve/{revision}/{filename}</c> with the escaping huggingface_hub applies.</summary>
    public Uri GetResolveUrl(string repoId, string filename, string? revision = null)
    {
        HubNames.ValidateRepoId(repoId);
        var path = string.Join('/', HubNames.SplitFilename(filename).Select(Uri.EscapeDataString));
        var escapedRevision = Uri.EscapeDataString(revision ?? HubNames.DefaultRevision);
        return new Uri(_http.Endpoint, $"{repoId}/resolve/{escapedRevision}/{path}");
    }

    /// <inheritdoc />
    public void Dispose() => _httpClient.Dispose();

    private async Task<HubFileMetadata> GetMetadataAsync(HubFileRequest request, CancellationToken cancellationToken)
    {
        var url = GetResolveUrl(request.RepoId, request.Filename, request.Revision);
        for (var hop = 0; ; hop++)
        {
            using var response = await _http.SendOnceAsync(HttpMethod.Head, url, 0, Settings.MetadataTimeout, cancellationToken).ConfigureAwait(false);
            var location = response.Headers.Location;
            if (HubHttp.IsRedirect(response.StatusCode) && location is not null && !location.IsAbsoluteUri && hop < MaxRelativeRedirects)
            {
                // A relative redirect stays on the Hub (a renamed repository): follow it. An absolute one
                // points at the LFS CDN and only tells where the GET must go.
                url = new Uri(url, location);
                continue;
            }

            if (!response.IsSuccessStatusCode && !HubHttp.IsRedirect(response.StatusCode))
            {
                throw HubErrors.FromResponse(response, request, _http.HasToken);
            }

            return ReadMetadata(response, url, request);
        }
    }

    private static HubFileMetadata ReadMetadata(HttpResponseMessage response, Uri requestUrl, HubFileRequest request)
    {
        var commit = HubErrors.Header(response, HubErrors.RepoCommitHeader);
        if (commit is null || !HubNames.IsCommitHash(commit))
        {
            throw new HubHttpException(
                $"The server did not send a valid X-Repo-Commit header ('{commit}'); is {request.Endpoint} a Hugging Face Hub?", request, response.StatusCode);
        }

        var rawEtag = HubErrors.Header(response, "X-Linked-Etag") ?? HubErrors.Header(response, "ETag");
        if (rawEtag is null)
        {
            throw new HubHttpException("The server sent no ETag, so the file cannot be stored reproducibly in the cache", request, response.StatusCode);
        }

        var etag = HubNames.NormalizeEtag(rawEtag);
        try
        {
            HubCache.RequireBlobName(etag);
        }
        catch (ArgumentException e)
        {
            throw new HubHttpException(e.Message, request, response.StatusCode, e);
        }

        var sizeText = HubErrors.Header(response, "X-Linked-Size");
        long? size = sizeText is not null && long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var linked)
            ? linked
            : response.Content.Headers.ContentLength;
        var location = HubHttp.IsRedirect(response.StatusCode) && response.Headers.Location is { } target
            ? new Uri(requestUrl, target)
            : requestUrl;
        return new HubFileMetadata(commit, etag, location, size);
    }

    private ResolvedHubFile FromCacheOrThrow(HubFileRequest request, Func<HubException> whenNotCached)
    {
        var lookup = Cache.TryGetCachedFile(request.RepoId, request.Filename, request.Revision);
        return lookup.Status switch
        {
            CacheLookupStatus.Found => new ResolvedHubFile(lookup.Path!, lookup.CommitHash!),
            CacheLookupStatus.KnownMissing => throw new EntryNotFoundException(
                $"File '{request.Filename}' does not exist in repository '{request.RepoId}' at commit {lookup.CommitHash} (remembered in the cache's .no_exist folder)",
                request,
                lookup.CommitHash,
                whenNotCached()),
            _ => throw whenNotCached(),
        };
    }
}

/// <summary>A file resolved to its snapshot path and the commit it belongs to.</summary>
internal sealed record ResolvedHubFile(string Path, string CommitHash);
