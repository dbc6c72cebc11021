namespace SharpVL.Search;

/// <summary>A video file as the index knows it: what was seen when it was indexed, to tell later whether it changed.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ModifiedUtc">Last write time (UTC).</param>
/// <param name="ContentHash">SHA-256 of the whole file (hex).</param>
/// <param name="DurationSeconds">Length of the video.</param>
/// <param name="Segmenting">The segment length and stride it was cut with.</param>
public sealed record IndexedVideo(string Path, long Size, DateTime ModifiedUtc, string ContentHash, double DurationSeconds, SegmentingOptions Segmenting);

/// <summary>A segment ready to be stored: where it is, its embedding (L2-normalised) and its thumbnail.</summary>
/// <param name="Segment">Time span and frames.</param>
/// <param name="Embedding">The normalised embedding.</param>
/// <param name="ThumbnailJpeg">JPEG of the thumbnail frame.</param>
public sealed record SegmentRecord(VideoSegment Segment, float[] Embedding, byte[] ThumbnailJpeg);

/// <summary>One search result.</summary>
/// <param name="SegmentId">The segment's id in the index (for thumbnails).</param>
/// <param name="VideoId">The video's id in the index (for playback).</param>
/// <param name="Path">The video file.</param>
/// <param name="StartSeconds">Start of the matching span.</param>
/// <param name="EndSeconds">End of the matching span.</param>
/// <param name="Score">Cosine similarity of the query and segment embeddings.</param>
public sealed record SearchHit(long SegmentId, long VideoId, string Path, double StartSeconds, double EndSeconds, double Score);

/// <summary>A stored segment with its thumbnail.</summary>
/// <param name="Id">Segment id.</param>
/// <param name="VideoId">Video id.</param>
/// <param name="Path">The video file.</param>
/// <param name="StartSeconds">Start of the span.</param>
/// <param name="EndSeconds">End of the span.</param>
/// <param name="FrameIndices">The frames the model saw.</param>
/// <param name="ThumbnailJpeg">The thumbnail.</param>
public sealed record StoredSegment(long Id, long VideoId, string Path, double StartSeconds, double EndSeconds, IReadOnlyList<int> FrameIndices, byte[] ThumbnailJpeg);

/// <summary>How a store answers a query.</summary>
public enum SearchMode
{
    /// <summary>The store's normal way: exact for SQLite, the HNSW index for pgvector.</summary>
    Default,

    /// <summary>Score every segment (to check an approximate index's recall).</summary>
    Exact,
}

/// <summary>Counts of an index.</summary>
/// <param name="Videos">Indexed videos.</param>
/// <param name="Segments">Stored segments.</param>
public sealed record IndexStats(long Videos, long Segments);
