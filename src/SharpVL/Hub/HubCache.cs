namespace SharpVL.Hub;

/// <summary>
/// The on-disk model cache in exactly the layout of Python's <c>huggingface_hub</c>, so either side finds what the
/// other downloaded:
/// <code>
/// {cache}/models--{namespace}--{name}/
///     blobs/{etag}                          file contents, named by git SHA-1 or (LFS) SHA-256
///     refs/{revision}                       the commit hash a branch or tag pointed to
///     snapshots/{commit}/{path}             relative symlink to ../../blobs/{etag}
///     .no_exist/{commit}/{path}             empty marker: the file is absent at that commit
/// {cache}/.locks/models--{namespace}--{name}/{etag}.lock
/// </code>
/// </summary>
public sealed class HubCache
{
    /// <summary>Creates a view of the cache rooted at <paramref name="cacheDirectory"/> (need not exist yet).</summary>
    public HubCache(string cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        CacheDirectory = Path.GetFullPath(cacheDirectory);
    }

    /// <summary>Absolute cache root (<c>HF_HUB_CACHE</c>).</summary>
    public string CacheDirectory { get; }

    /// <summary>Folder name of a model repository: <c>models--</c> followed by the id with '/' replaced by <c>--</c>.</summary>
    public static string GetRepoFolderName(string repoId)
    {
        HubNames.ValidateRepoId(repoId);
        return "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);
    }

    /// <summary>True for a full 40-character lowercase hexadecimal commit hash.</summary>
    public static bool IsCommitHash(string revision) => HubNames.IsCommitHash(revision);

    /// <summary>Storage folder of one repository (holds blobs, refs and snapshots).</summary>
    public string GetRepoDirectory(string repoId) => Path.Combine(CacheDirectory, GetRepoFolderName(repoId));

    /// <summary>Folder holding the files of <paramref name="repoId"/> at <paramref name="commitHash"/>.</summary>
    public string GetSnapshotDirectory(string repoId, string commitHash) =>
        Path.Combine(GetRepoDirectory(repoId), "snapshots", RequireCommitHash(commitHash));

    /// <summary>Snapshot path (the symlink) of a file at a commit.</summary>
    public string GetSnapshotPath(string repoId, string commitHash, string filename) =>
        Path.Combine(GetSnapshotDirectory(repoId, commitHash), HubNames.ToLocalRelativePath(filename));

    /// <summary>Path of the blob named by a normalized ETag.</summary>
    public string GetBlobPath(string repoId, string etag) => Path.Combine(GetRepoDirectory(repoId), "blobs", RequireBlobName(etag));

    /// <summary>
    /// Commit hash for a revision: the revision itself when it is a commit hash, else the content of
    /// <c>refs/{revision}</c>; <c>null</c> when the cache has never resolved that branch or tag.
    /// </summary>
    public string? ResolveRevision(string repoId, string? revision)
    {
        revision ??= HubNames.DefaultRevision;
        HubNames.ValidateRevision(revision);
        if (IsCommitHash(revision))
        {
            return revision;
        }

        var refPath = Path.Combine(GetRepoDirectory(repoId), "refs", revision);
        if (!File.Exists(refPath))
        {
            return null;
        }

        var commit = File.ReadAllText(refPath).Trim();
        return IsCommitHash(commit) ? commit : null;
    }

    /// <summary>
    /// Looks a file up without any network access, like Python's <c>try_to_load_from_cache</c>: the revision
    /// (default <c>main</c>) is resolved through <c>refs/</c>, then <c>.no_exist</c> markers and the snapshot are checked.
    /// A snapshot entry whose blob is gone counts as not cached.
    /// </summary>
    public CacheLookup TryGetCachedFile(string repoId, string filename, string? revision = null)
    {
        var relative = HubNames.ToLocalRelativePath(filename);
        var commit = ResolveRevision(repoId, revision);
        if (commit is null)
        {
            return new CacheLookup(CacheLookupStatus.NotCached, null, null);
        }

        var repoDirectory = GetRepoDirectory(repoId);
        if (File.Exists(Path.Combine(repoDirectory, ".no_exist", commit, relative)))
        {
            return new CacheLookup(CacheLookupStatus.KnownMissing, null, commit);
        }

        var snapshotPath = Path.Combine(repoDirectory, "snapshots", commit, relative);
        return IsReadableFile(snapshotPath)
            ? new CacheLookup(CacheLookupStatus.Found, snapshotPath, commit)
            : new CacheLookup(CacheLookupStatus.NotCached, null, commit);
    }

    /// <summary>Records that <paramref name="revision"/> points to <paramref name="commitHash"/> (no-op for a commit hash or an unchanged ref).</summary>
    public void WriteRef(string repoId, string revision, string commitHash)
    {
        HubNames.ValidateRevision(revision);
        RequireCommitHash(commitHash);
        if (revision == commitHash)
        {
            return;
        }

        var refPath = Path.Combine(GetRepoDirectory(repoId), "refs", revision);
        // Rewriting an unchanged ref would fail needlessly in a read-only shared cache.
        if (File.Exists(refPath) && File.ReadAllText(refPath) == commitHash)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
        AtomicFile.WriteAllText(refPath, commitHash);
    }

    /// <summary>Writes the empty <c>.no_exist/{commit}/{filename}</c> marker Python uses to remember a 404.</summary>
    public void MarkMissing(string repoId, string commitHash, string filename)
    {
        var marker = Path.Combine(GetRepoDirectory(repoId), ".no_exist", RequireCommitHash(commitHash), HubNames.ToLocalRelativePath(filename));
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        if (!File.Exists(marker))
        {
            File.WriteAllBytes(marker, []);
        }
    }

    /// <summary>
    /// Points <c>snapshots/{commit}/{filename}</c> at <paramref name="blobPath"/> with a relative symlink
    /// (<c>../../blobs/{etag}</c>, one more <c>../</c> per folder level). Where symlinks are unavailable the blob is
    /// moved (new blob) or copied (shared blob), as Python does.
    /// </summary>
    /// <returns>The snapshot path.</returns>
    public string LinkSnapshotFile(string repoId, string commitHash, string filename, string blobPath, bool newBlob)
    {
        var pointer = GetSnapshotPath(repoId, commitHash, filename);
        var pointerDirectory = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(pointerDirectory);
        DeleteIfPresent(pointer);
        var relativeTarget = Path.GetRelativePath(pointerDirectory, Path.GetFullPath(blobPath));
        try
        {
            File.CreateSymbolicLink(pointer, relativeTarget);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            if (IsReadableFile(pointer))
            {
                // Another process linked the same blob between our delete and create.
                return pointer;
            }

            if (newBlob)
            {
                File.Move(blobPath, pointer, overwrite: true);
            }
            else
            {
                File.Copy(blobPath, pointer, overwrite: true);
            }
        }

        return pointer;
    }

    internal string GetLockPath(string repoId, string etag) =>
        Path.Combine(CacheDirectory, ".locks", GetRepoFolderName(repoId), RequireBlobName(etag) + ".lock");

    /// <summary>True when <paramref name="path"/> is a file, or a symlink whose final target is an existing file.</summary>
    internal static bool IsReadableFile(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return info.Exists;
        }

        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void DeleteIfPresent(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists || info.LinkTarget is not null)
        {
            info.Delete();
        }
    }

    private static string RequireCommitHash(string commitHash)
    {
        if (!IsCommitHash(commitHash))
        {
            throw new ArgumentException($"'{commitHash}' is not a 40-character commit hash.", nameof(commitHash));
        }

        return commitHash;
    }

    internal static string RequireBlobName(string etag)
    {
        if (etag.Length == 0 || etag is "." or ".." || etag.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"ETag '{etag}' cannot name a cache blob (expected a hexadecimal hash).", nameof(etag));
        }

        return etag;
    }
}
