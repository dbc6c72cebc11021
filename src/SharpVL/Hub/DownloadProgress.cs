namespace SharpVL.Hub;

/// <summary>Progress of one file download, reported at most every 100 ms and once more on completion.</summary>
/// <param name="FileName">Path of the file inside the repository.</param>
/// <param name="BytesDownloaded">Bytes on disk so far, including any part resumed from an earlier attempt.</param>
/// <param name="TotalBytes">Expected size, or <c>null</c> when the Hub did not announce it.</param>
/// <param name="IsCompleted">True on the final report, once the file is complete and in the cache.</param>
public sealed record DownloadProgress(string FileName, long BytesDownloaded, long? TotalBytes, bool IsCompleted = false);
