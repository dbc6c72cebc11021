namespace SharpVL.Hub;

/// <summary>
/// Turns what a user passes as a model (a local folder or a Hub id such as <c>microsoft/xclip-base-patch32@main</c>)
/// into a local folder holding the model's files, downloading them into the shared Hub cache when needed.
/// All files of one call come from the same commit: the first file fixes it, the rest are asked for by hash.
/// </summary>
public sealed class ModelLocator
{
    private static readonly Lazy<HubClient> SharedClient = new(() => new HubClient(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates a locator that downloads through <paramref name="hub"/> (default: one shared client configured from the environment).</summary>
    public ModelLocator(HubClient? hub = null) => Hub = hub ?? SharedClient.Value;

    /// <summary>Client used for Hub ids.</summary>
    public HubClient Hub { get; }

    /// <summary>
    /// Files of a Transformers checkpoint: <c>config.json</c> (required); weights as the first found of
    /// <c>model.safetensors</c>, <c>model.safetensors.index.json</c> (+ shards), <c>pytorch_model.bin</c>,
    /// <c>pytorch_model.bin.index.json</c> (+ shards); and the optional processor and tokenizer files.
    /// </summary>
    public static ModelFileSet StandardModelFiles { get; } = new(
        ["config.json"],
        [
            "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "vocab.json", "merges.txt", "sentencepiece.bpe.model", "added_tokens.json",
        ],
        ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"]);

    /// <summary>Resolves a model to a local folder with <see cref="StandardModelFiles"/>.</summary>
    /// <param name="modelIdOrPath">An existing folder (returned unchanged) or a Hub id with optional <c>@revision</c>.</param>
    /// <param name="revision">Branch, tag or commit; may instead be given as an <c>@revision</c> suffix.</param>
    /// <param name="progress">Download progress of each file fetched.</param>
    /// <param name="cancellationToken">Cancels the downloads (they stay resumable).</param>
    /// <returns>The folder, or the cache snapshot folder of the resolved commit.</returns>
    public Task<string> ResolvePretrainedAsync(
        string modelIdOrPath, string? revision = null, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ResolveAsync(modelIdOrPath, revision, StandardModelFiles, progress, cancellationToken);

    /// <summary>Blocking form of <see cref="ResolvePretrainedAsync"/> for synchronous library callers.</summary>
    public string ResolvePretrained(string modelIdOrPath, string? revision = null, IProgress<DownloadProgress>? progress = null) =>
        // Task.Run keeps a caller's synchronization context from deadlocking the continuations.
        Task.Run(() => ResolvePretrainedAsync(modelIdOrPath, revision, progress)).GetAwaiter().GetResult();

    /// <summary>Resolves a model to a local folder holding <paramref name="requiredFiles"/> and whichever <paramref name="optionalFiles"/> exist.</summary>
    /// <param name="modelIdOrPath">An existing folder (returned unchanged) or a Hub id with optional <c>@revision</c>.</param>
    /// <param name="revision">Branch, tag or commit; may instead be given as an <c>@revision</c> suffix.</param>
    /// <param name="progress">Download progress of each file fetched.</param>
    /// <param name="cancellationToken">Cancels the downloads (they stay resumable).</param>
    /// <returns>The folder, or the cache snapshot folder of the resolved commit.</returns>
    /// <param name="requiredFiles">Files that must exist in the repository.</param>
    /// <param name="optionalFiles">Files skipped when the repository does not have them.</param>
    public Task<string> ResolveAsync(
        string modelIdOrPath,
        string? revision,
        IReadOnlyList<string> requiredFiles,
        IReadOnlyList<string> optionalFiles,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ResolveAsync(modelIdOrPath, revision, new ModelFileSet(requiredFiles, optionalFiles, []), progress, cancellationToken);

    /// <summary>Resolves a model to a local folder holding the files of <paramref name="files"/>.</summary>
    /// <param name="modelIdOrPath">An existing folder (returned unchanged) or a Hub id with optional <c>@revision</c>.</param>
    /// <param name="revision">Branch, tag or commit; may instead be given as an <c>@revision</c> suffix.</param>
    /// <param name="progress">Download progress of each file fetched.</param>
    /// <param name="cancellationToken">Cancels the downloads (they stay resumable).</param>
    /// <returns>The folder, or the cache snapshot folder of the resolved commit.</returns>
    /// <param name="files">Required, optional and "one of" weight files to fetch.</param>
    /// <exception cref="DirectoryNotFoundException">The argument is a path (or a file) but no such folder exists.</exception>
    /// <exception cref="ArgumentException">Neither a folder nor a valid Hub id, or two different revisions given.</exception>
    /// <exception cref="HubException">A required file could not be provided (see <see cref="HubClient.DownloadFileAsync"/>).</exception>
    public async Task<string> ResolveAsync(
        string modelIdOrPath,
        string? revision,
        ModelFileSet files,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelIdOrPath);
        ArgumentNullException.ThrowIfNull(files);
        if (Directory.Exists(modelIdOrPath))
        {
            return modelIdOrPath;
        }

        if (LooksLikePath(modelIdOrPath) || File.Exists(modelIdOrPath))
        {
            throw new DirectoryNotFoundException(
                $"Model folder '{modelIdOrPath}' (full path {Path.GetFullPath(modelIdOrPath)}) does not exist or is not a folder; "
                + "for a Hub model pass an id such as 'namespace/name'.");
        }

        var (repoId, effectiveRevision) = ParseHubId(modelIdOrPath, revision);
        var session = new RepoSession(Hub, repoId, effectiveRevision, progress, cancellationToken);
        foreach (var file in files.RequiredFiles)
        {
            await session.FetchAsync(file, required: true).ConfigureAwait(false);
        }

        if (files.WeightCandidates.Count > 0)
        {
            await FetchWeightsAsync(session, files.WeightCandidates).ConfigureAwait(false);
        }

        foreach (var file in files.OptionalFiles)
        {
            await session.FetchAsync(file, required: false).ConfigureAwait(false);
        }

        return session.SnapshotDirectory();
    }

    /// <summary>
    /// Splits <c>namespace/name@revision</c> into id and revision. A revision given both ways must agree.
    /// </summary>
    /// <exception cref="ArgumentException">Not a valid Hub id, or conflicting revisions.</exception>
    public static (string RepoId, string Revision) ParseHubId(string modelId, string? revision = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var at = modelId.IndexOf('@', StringComparison.Ordinal);
        var repoId = at < 0 ? modelId : modelId[..at];
        var suffix = at < 0 ? null : modelId[(at + 1)..];
        if (suffix is { Length: 0 })
        {
            throw new ArgumentException($"'{modelId}' ends with '@' but names no revision.", nameof(modelId));
        }

        if (suffix is not null && revision is not null && suffix != revision)
        {
            throw new ArgumentException($"'{modelId}' asks for revision '{suffix}' but revision '{revision}' was also given.", nameof(revision));
        }

        if (!HubNames.IsValidRepoId(repoId))
        {
            throw new ArgumentException(
                $"'{modelId}' is neither an existing folder nor a valid Hub id ('namespace/name' or 'name', optionally followed by '@revision').",
                nameof(modelId));
        }

        var effective = suffix ?? revision ?? HubNames.DefaultRevision;
        HubNames.ValidateRevision(effective);
        return (repoId, effective);
    }

    private static bool LooksLikePath(string text) =>
        Path.IsPathRooted(text)
        || text.StartsWith('.') || text.StartsWith('~')
        || text.Contains('\\', StringComparison.Ordinal)
        || text.EndsWith('/')
        || text.Count(c => c == '/') > 1;

    private static async Task FetchWeightsAsync(RepoSession session, IReadOnlyList<string> candidates)
    {
        OfflineCacheMissException? unavailable = null;
        foreach (var candidate in candidates)
        {
            string? path;
            try
            {
                path = await session.FetchAsync(candidate, required: false, throwIfUnavailable: true).ConfigureAwait(false);
            }
            catch (OfflineCacheMissException e)
            {
                // Offline, "not cached" is not "absent": remember it so the final error says so.
                unavailable ??= e;
                continue;
            }

            if (path is null)
            {
                continue;
            }

            if (candidate.EndsWith(ModelFileSet.ShardIndexSuffix, StringComparison.Ordinal))
            {
                var folder = candidate.Contains('/', StringComparison.Ordinal) ? candidate[..(candidate.LastIndexOf('/') + 1)] : "";
                foreach (var shard in ShardIndex.ReadShardFiles(path))
                {
                    await session.FetchAsync(folder + shard, required: true).ConfigureAwait(false);
                }
            }

            return;
        }

        var request = session.Request(string.Join(" | ", candidates));
        if (unavailable is not null)
        {
            throw new OfflineCacheMissException(
                $"No weights file of '{request.RepoId}' ({request.Filename}) is in the cache and the Hub could not be used", request, unavailable);
        }

        throw new EntryNotFoundException($"Repository '{request.RepoId}' has none of the weight files {request.Filename}", request);
    }

    /// <summary>Fetches files of one repository, pinning the revision to the commit of the first file resolved.</summary>
    private sealed class RepoSession(
        HubClient hub, string repoId, string revision, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        private string? _commit = HubNames.IsCommitHash(revision) ? revision : null;

        public HubFileRequest Request(string filename) => new(repoId, filename, _commit ?? revision, hub.Settings.Endpoint);

        /// <summary>Returns the local path, or null for an optional file the repository does not have (or, offline, that is not cached).</summary>
        public async Task<string?> FetchAsync(string filename, bool required, bool throwIfUnavailable = false)
        {
            if (_commit is not null)
            {
                // The .no_exist markers answer for files known to be absent at this commit without a request.
                var cached = hub.Cache.TryGetCachedFile(repoId, filename, _commit);
                if (cached.Status == CacheLookupStatus.Found)
                {
                    return cached.Path;
                }

                if (cached.Status == CacheLookupStatus.KnownMissing && !required)
                {
                    return null;
                }
            }

            try
            {
                var resolved = await hub.ResolveFileAsync(repoId, filename, _commit ?? revision, progress, cancellationToken).ConfigureAwait(false);
                _commit ??= resolved.CommitHash;
                return resolved.Path;
            }
            catch (EntryNotFoundException e) when (!required)
            {
                _commit ??= e.CommitHash;
                return null;
            }
            catch (OfflineCacheMissException) when (!required && !throwIfUnavailable)
            {
                return null;
            }
        }

        public string SnapshotDirectory()
        {
            var commit = _commit ?? hub.Cache.ResolveRevision(repoId, revision)
                ?? throw new OfflineCacheMissException("No file of the repository could be resolved, so its commit is unknown", Request("(none)"));
            return hub.Cache.GetSnapshotDirectory(repoId, commit);
        }
    }
}
