using System.Security.Cryptography;

namespace SharpVL.Search;

/// <summary>What identifies a file's content for incremental indexing.</summary>
public static class FileFingerprint
{
    /// <summary>SHA-256 of the whole file, lower-case hex.</summary>
    public static string ContentHash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Size and last write time (UTC, whole ticks) as the file system reports them now.</summary>
    public static (long Size, DateTime ModifiedUtc) Stat(string path)
    {
        var info = new FileInfo(path);
        return (info.Length, info.LastWriteTimeUtc);
    }
}
