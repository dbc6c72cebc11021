namespace SharpVL.Search;

/// <summary>
/// Where an index lives: videos, their segments and embeddings, and the model that made them. Every write of a video
/// is one transaction, so a run that is killed never leaves a video half-written. Implementations are safe to use from
/// several threads.
/// </summary>
public interface IVideoIndexStore : IDisposable
{
    /// <summary>The index's name for messages (a file path, or a database address without its password).</summary>
    string Name { get; }

    /// <summary>The model whose embeddings the index holds; null while it is empty and unclaimed.</summary>
    IndexModel? Model { get; }

    /// <summary>Creates the schema when needed and records <paramref name="model"/>, or checks that it is the recorded one.</summary>
    /// <exception cref="SearchIndexException">The index belongs to another model or dimension.</exception>
    void Initialize(IndexModel model);

    /// <summary>Every indexed video with what was recorded about its file, keyed by path.</summary>
    IReadOnlyDictionary<string, IndexedVideo> Videos();

    /// <summary>Replaces everything stored for <paramref name="video"/>'s path with these segments, in one transaction.</summary>
    void PutVideo(IndexedVideo video, IReadOnlyList<SegmentRecord> segments);

    /// <summary>Records a new size and modification time for a file whose content is unchanged.</summary>
    void TouchVideo(string path, long size, DateTime modifiedUtc);

    /// <summary>Removes a video and its segments; false when it was not indexed.</summary>
    bool RemoveVideo(string path);

    /// <summary>The <paramref name="topK"/> segments most similar to a normalised query embedding, best first.</summary>
    IReadOnlyList<SearchHit> Search(float[] query, int topK, SearchMode mode = SearchMode.Default);

    /// <summary>A segment with its thumbnail; null when there is none with that id.</summary>
    StoredSegment? GetSegment(long segmentId);

    /// <summary>The file of an indexed video; null when there is none with that id.</summary>
    string? GetVideoPath(long videoId);

    /// <summary>How many videos and segments are stored.</summary>
    IndexStats Stats();
}
