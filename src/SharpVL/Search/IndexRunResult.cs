using SharpVL.Processing.Video;

namespace SharpVL.Search;

/// <summary>What happened to one file in an indexing run.</summary>
public enum IndexOutcome
{
    /// <summary>Embedded and stored (new or changed).</summary>
    Indexed,

    /// <summary>Size, time and content as recorded: nothing to do.</summary>
    Unchanged,

    /// <summary>Could not be read as a video; the run went on.</summary>
    Failed,

    /// <summary>Removed from the index by <c>--prune</c> (the file is gone).</summary>
    Removed,
}

/// <summary>A file's outcome, reported as the run goes.</summary>
/// <param name="Path">The file.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Segments">Segments stored (for <see cref="IndexOutcome.Indexed"/>).</param>
/// <param name="Error">Why it failed (for <see cref="IndexOutcome.Failed"/>).</param>
/// <param name="Damage">Decode damage met while indexing it (for <see cref="IndexOutcome.Indexed"/>; null when clean). A stream
/// shorter than announced is cut into segments over the frames that decode.</param>
public sealed record IndexFileEvent(string Path, IndexOutcome Outcome, int Segments = 0, string? Error = null, DecodeReport? Damage = null);

/// <summary>Progress of a run: files finished of those in this shard, segments embedded, and the rate.</summary>
/// <param name="FilesDone">Files finished (indexed, unchanged or failed).</param>
/// <param name="FilesTotal">Files in this shard.</param>
/// <param name="SegmentsEmbedded">Segments embedded so far.</param>
/// <param name="SegmentsPerSecond">Embedding rate since the start.</param>
/// <param name="Eta">Estimated time left, once something was indexed.</param>
/// <param name="Last">The file that just finished.</param>
public sealed record IndexProgress(int FilesDone, int FilesTotal, long SegmentsEmbedded, double SegmentsPerSecond, TimeSpan? Eta, IndexFileEvent Last);

/// <summary>The outcome of a run.</summary>
/// <param name="Files">Every file's outcome, in the order they finished (pruned files last).</param>
/// <param name="FilesInShard">Files given that belong to this shard.</param>
/// <param name="FilesOutsideShard">Files given that belong to other shards.</param>
/// <param name="SegmentsEmbedded">Segments embedded and stored.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="DecodeSeconds">Time spent probing, decoding, preprocessing and hashing (on the decode-ahead thread).</param>
/// <param name="EmbedSeconds">Time spent in the model.</param>
public sealed record IndexRunResult(
    IReadOnlyList<IndexFileEvent> Files, int FilesInShard, int FilesOutsideShard, long SegmentsEmbedded, TimeSpan Elapsed,
    double DecodeSeconds, double EmbedSeconds)
{
    /// <summary>Files that could not be indexed.</summary>
    public IReadOnlyList<IndexFileEvent> Failures => [.. Files.Where(f => f.Outcome == IndexOutcome.Failed)];

    /// <summary>Files indexed despite decode damage.</summary>
    public IReadOnlyList<IndexFileEvent> Damaged => [.. Files.Where(f => f.Damage is not null)];

    /// <summary>How many files had <paramref name="outcome"/>.</summary>
    public int Count(IndexOutcome outcome) => Files.Count(f => f.Outcome == outcome);
}
