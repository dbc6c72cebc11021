using System.Text.RegularExpressions;

namespace SharpVL.Hub;

/// <summary>Validation and conversion of repository ids, revisions and file names as the Hub defines them.</summary>
internal static partial class HubNames
{
    /// <summary>Revision used when none is given, as in <c>huggingface_hub</c>.</summary>
    public const string DefaultRevision = "main";

    public static bool IsCommitHash(string revision) => CommitHashPattern().IsMatch(revision);

    /// <summary>Checks an id of the form <c>name</c> or <c>namespace/name</c> (rules of huggingface_hub's validate_repo_id).</summary>
    public static bool IsValidRepoId(string repoId) =>
        RepoIdPattern().IsMatch(repoId)
        && !repoId.Contains("--", StringComparison.Ordinal)
        && !repoId.Contains("..", StringComparison.Ordinal)
        && !repoId.EndsWith(".git", StringComparison.Ordinal);

    public static void ValidateRepoId(string repoId)
    {
        ArgumentNullException.ThrowIfNull(repoId);
        if (!IsValidRepoId(repoId))
        {
            throw new ArgumentException(
                $"'{repoId}' is not a valid Hub repository id: expected 'name' or 'namespace/name' made of letters, digits, '-', '_' and '.', without '--' or '..'.",
                nameof(repoId));
        }
    }

    /// <summary>Splits a repository file path into segments, refusing anything that could escape the snapshot folder.</summary>
    public static string[] SplitFilename(string filename)
    {
        ArgumentNullException.ThrowIfNull(filename);
        var segments = filename.Split('/');
        if (filename.Length == 0 || filename.Contains('\\', StringComparison.Ordinal)
            || segments.Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            throw new ArgumentException(
                $"'{filename}' is not a valid file path inside a Hub repository (use '/'-separated relative segments, no '.' or '..').",
                nameof(filename));
        }

        return segments;
    }

    public static string ToLocalRelativePath(string filename) => Path.Combine(SplitFilename(filename));

    public static void ValidateRevision(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        if (revision.Length == 0 || revision.Contains('\\', StringComparison.Ordinal)
            || revision.Split('/').Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            throw new ArgumentException($"'{revision}' is not a valid revision (branch, tag or commit hash).", nameof(revision));
        }
    }

    /// <summary>Blob file name from an ETag header: without the weak prefix and quotes, like <c>_normalize_etag</c>.</summary>
    public static string NormalizeEtag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHashPattern();

    [GeneratedRegex(@"^([\w\-.]+/)?[\w\-.]{1,96}$")]
    private static partial Regex RepoIdPattern();
}
