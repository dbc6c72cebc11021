using SharpVL.Processing.Video;

namespace SharpVL.Search;

/// <summary>Settings of an indexing run.</summary>
public sealed record VideoIndexerOptions
{
    /// <summary>Segment length and stride.</summary>
    public SegmentingOptions Segmenting { get; init; } = SegmentingOptions.Default;

    /// <summary>Segments per model call (default 8).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Which share of the files this run indexes (default: all).</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.All;

    /// <summary>Remove indexed videos (of this shard) whose files no longer exist.</summary>
    public bool Prune { get; init; }

    /// <summary>Longest side of stored thumbnails in pixels (default 320).</summary>
    public int ThumbnailSize { get; init; } = 320;

    /// <summary>The decoder.</summary>
    public VideoReader Reader { get; init; } = VideoReader.Default;
}
