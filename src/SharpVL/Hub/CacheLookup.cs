namespace SharpVL.Hub;

/// <summary>What the local cache knows about one file (see <see cref="HubCache.TryGetCachedFile"/>).</summary>
public enum CacheLookupStatus
{
    /// <summary>Nothing is cached for this file at this revision; only the Hub can tell.</summary>
    NotCached,

    /// <summary>The file is in the cache; <see cref="CacheLookup.Path"/> is its snapshot path.</summary>
    Found,

    /// <summary>A previous request found the file absent at this commit (a <c>.no_exist</c> marker).</summary>
    KnownMissing,
}

/// <summary>Result of a cache lookup, the counterpart of Python's <c>try_to_load_from_cache</c> return values.</summary>
/// <param name="Status">Whether the file is cached, known to be missing, or unknown.</param>
/// <param name="Path">Snapshot path of the file when <paramref name="Status"/> is <see cref="CacheLookupStatus.Found"/>.</param>
/// <param name="CommitHash">Commit the revision resolved to, when known from <c>refs/</c> or given directly.</param>
public readonly record struct CacheLookup(CacheLookupStatus Status, string? Path, string? CommitHash)
{
    /// <summary>True when the file is cached and <see cref="Path"/> is set.</summary>
    public bool IsFound => Status == CacheLookupStatus.Found;
}
