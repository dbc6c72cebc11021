namespace SharpVL.Hub;

/// <summary>The files a model needs from its repository, for <see cref="ModelLocator.ResolveAsync(string, string?, ModelFileSet, IProgress{DownloadProgress}?, CancellationToken)"/>.</summary>
/// <param name="RequiredFiles">Files that must exist; a missing one is an error.</param>
/// <param name="OptionalFiles">Files used when present; a 404 skips them (and is remembered in <c>.no_exist</c>).</param>
/// <param name="WeightCandidates">
/// "One of" group tried in order until one exists. A name ending in <c>.index.json</c> is a sharded checkpoint index:
/// every shard named in its <c>weight_map</c> is then required too. Empty when the model has no weights to fetch.
/// </param>
public sealed record ModelFileSet(
    IReadOnlyList<string> RequiredFiles,
    IReadOnlyList<string> OptionalFiles,
    IReadOnlyList<string> WeightCandidates)
{
    /// <summary>Suffix that marks a candidate as a shard index.</summary>
    public const string ShardIndexSuffix = ".index.json";
}
