using SharpVL.Hub;

namespace SharpVL.Cli.Models;

/// <summary>One snapshot (commit) of a cached model.</summary>
/// <param name="Commit">The commit hash.</param>
/// <param name="Refs">Branches or tags that point to it (e.g. <c>main</c>).</param>
/// <param name="Files">Files in the snapshot.</param>
/// <param name="SizeBytes">Bytes of the files the snapshot links to.</param>
/// <param name="Path">The snapshot folder (what <c>--model</c> can be given, or the id with <c>@commit</c>).</param>
/// <param name="Kind">Which SharpVL class loads it.</param>
internal sealed record CachedRevision(string Commit, IReadOnlyList<string> Refs, int Files, long SizeBytes, string Path, ModelKind Kind);

/// <summary>A model repository in the Hugging Face cache.</summary>
/// <param name="Id">The Hub id (<c>namespace/name</c>).</param>
/// <param name="Path">Its folder in the cache.</param>
/// <param name="SizeBytes">Bytes on disk (every blob once).</param>
/// <param name="Revisions">Its snapshots, newest first.</param>
internal sealed record CachedModel(string Id, string Path, long SizeBytes, IReadOnlyList<CachedRevision> Revisions);

/// <summary>
/// Reads the model repositories of a Hugging Face cache (<c>models--{namespace}--{name}</c> with blobs, refs and
/// snapshots, shared with Python) without touching the network, like <c>huggingface-cli scan-cache</c>.
/// </summary>
internal static class HubCacheScan
{
    /// <summary>The models in <paramref name="cacheDirectory"/>, sorted by id; an absent cache has none.</summary>
    public static IReadOnlyList<CachedModel> Scan(string cacheDirectory)
    {
        if (!Directory.Exists(cacheDirectory))
        {
            return [];
        }
        return Directory.EnumerateDirectories(cacheDirectory, "models--*")
            .Select(ReadRepository)
            .OfType<CachedModel>()
            .OrderBy(m => m.Id, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static CachedModel? ReadRepository(string folder)
    {
        var name = System.IO.Path.GetFileName(folder)["models--".Length..];
        var id = name.Replace("--", "/", StringComparison.Ordinal);
        var refs = ReadRefs(folder);
        var snapshots = System.IO.Path.Combine(folder, "snapshots");
        var revisions = Directory.Exists(snapshots)
            ? Directory.EnumerateDirectories(snapshots)
                .Select(snapshot => ReadRevision(snapshot, refs))
                .OrderByDescending(r => r.Refs.Contains("main"))
                .ThenByDescending(r => Directory.GetLastWriteTimeUtc(r.Path))
                .ToList()
            : [];
        var blobs = System.IO.Path.Combine(folder, "blobs");
        var size = Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs).Sum(f => new FileInfo(f).Length) : 0;
        return new CachedModel(id, folder, size, revisions);
    }

    private static Dictionary<string, List<string>> ReadRefs(string folder)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var refsFolder = System.IO.Path.Combine(folder, "refs");
        if (!Directory.Exists(refsFolder))
        {
            return result;
        }
        foreach (var file in Directory.EnumerateFiles(refsFolder, "*", SearchOption.AllDirectories))
        {
            var commit = File.ReadAllText(file).Trim();
            if (HubCache.IsCommitHash(commit))
            {
                var refName = System.IO.Path.GetRelativePath(refsFolder, file).Replace('\\', '/');
                (result.TryGetValue(commit, out var list) ? list : result[commit] = []).Add(refName);
            }
        }
        return result;
    }

    /// <summary>How many files a snapshot folder has and how many bytes they hold (symlinks followed to their blobs).</summary>
    public static (int Files, long SizeBytes) Measure(string snapshot)
    {
        var files = 0;
        long size = 0;
        foreach (var file in Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories))
        {
            if (Resolve(file) is { Exists: true } target)
            {
                files++;
                size += target.Length;
            }
        }
        return (files, size);
    }

    /// <summary>The file a snapshot entry stands for (its blob when it is a symlink); null when the link is broken.</summary>
    private static FileInfo? Resolve(string file)
    {
        var info = new FileInfo(file);
        try
        {
            return info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static CachedRevision ReadRevision(string snapshot, Dictionary<string, List<string>> refs)
    {
        var commit = System.IO.Path.GetFileName(snapshot);
        var (files, size) = Measure(snapshot);
        var names = refs.TryGetValue(commit, out var list) ? list.Order(StringComparer.Ordinal).ToList() : [];
        return new CachedRevision(commit, names, files, size, snapshot, ModelKinds.Of(System.IO.Path.Combine(snapshot, "config.json")));
    }
}
