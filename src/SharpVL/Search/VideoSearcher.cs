using SharpVL.Modeling;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Search;

/// <summary>
/// Answers queries against an index with the index's own model: a text (<c>get_text_features</c>) or an example video or
/// image, embedded like the segments were. Scores are cosine similarities of the normalised embeddings.
/// </summary>
public sealed class VideoSearcher : IDisposable
{
    private readonly bool _ownsEmbedder;

    /// <summary>Searches <paramref name="store"/> with <paramref name="embedder"/>, which must be the index's model.</summary>
    /// <exception cref="SearchIndexException">The index is empty or was made by another model.</exception>
    public VideoSearcher(IVideoIndexStore store, ISegmentEmbedder embedder, bool ownsEmbedder = false)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        var model = store.Model ?? throw new SearchIndexException($"Index '{store.Name}' is empty: run 'sharpvl index' first.", store.Name);
        model.RequireSame(embedder.Model, store.Name);
        _ownsEmbedder = ownsEmbedder;
    }

    /// <summary>The index.</summary>
    public IVideoIndexStore Store { get; }

    /// <summary>The index's model.</summary>
    public ISegmentEmbedder Embedder { get; }

    /// <summary>The decoder for example videos.</summary>
    public VideoReader Reader { get; init; } = VideoReader.Default;

    /// <summary>Loads the model the index records (or <paramref name="model"/>, which must be the same one) and opens a searcher.</summary>
    /// <exception cref="SearchIndexException">The index is empty, or <paramref name="model"/> is another model.</exception>
    public static VideoSearcher Open(IVideoIndexStore store, string? model = null, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var recorded = store.Model ?? throw new SearchIndexException($"Index '{store.Name}' is empty: run 'sharpvl index' first.", store.Name);
        var source = model ?? (recorded.Revision.Length == 40 && !Directory.Exists(recorded.Id) ? $"{recorded.Id}@{recorded.Revision}" : recorded.Id);
        var embedder = SegmentEmbedders.Load(source, options);
        try
        {
            return new VideoSearcher(store, embedder, ownsEmbedder: true);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    /// <summary>The best segments for a text query.</summary>
    public IReadOnlyList<SearchHit> Search(string query, int topK = 10, SearchMode mode = SearchMode.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        return Store.Search(Embedder.EmbedTexts([query])[0], topK, mode);
    }

    /// <summary>
    /// The best segments for an example: an image (X-CLIP sees it as a still video of <c>num_frames</c> copies; AltCLIP
    /// embeds it directly) or a video (the frames the pipelines use for the whole clip; AltCLIP: its middle frame).
    /// </summary>
    public IReadOnlyList<SearchHit> SearchLike(string path, int topK = 10, SearchMode mode = SearchMode.Default)
        => Store.Search(EmbedExample(path), topK, mode);

    /// <summary>The normalised embedding of an example image or video file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public float[] EmbedExample(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Example file '{path}' does not exist.", path);
        }
        int n = Embedder.FramesPerSegment;
        IReadOnlyList<RgbImage> frames;
        if (VideoFiles.IsVideo(path))
        {
            var info = Reader.Probe(path);
            var indices = n == 1 ? [info.FrameCount / 2] : FrameSampling.Uniform(info.FrameCount, n);
            frames = Reader.ReadFrames(path, indices);
        }
        else
        {
            var image = ImageFile.LoadRgb(path);
            frames = [.. Enumerable.Repeat(image, n)];
        }
        return Embedder.EmbedSegments(Embedder.Preprocess([frames]))[0];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsEmbedder)
        {
            Embedder.Dispose();
        }
    }
}
