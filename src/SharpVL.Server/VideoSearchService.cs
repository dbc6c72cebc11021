using SharpVL.Pipelines;
using SharpVL.Search;

namespace SharpVL.Server;

/// <summary>
/// What the server does with its index and model: searches, and zero-shot labelling of uploaded videos. Model calls are
/// serialised (one forward at a time keeps memory flat under concurrent requests); store reads run in parallel.
/// </summary>
public sealed class VideoSearchService : IDisposable
{
    private readonly SemaphoreSlim _model = new(1, 1);

    /// <summary>Serves <paramref name="searcher"/>'s index; with <paramref name="ownsSearcher"/>, disposing the service disposes it and its store.</summary>
    public VideoSearchService(VideoSearcher searcher, bool ownsSearcher = false)
    {
        Searcher = searcher ?? throw new ArgumentNullException(nameof(searcher));
        OwnsSearcher = ownsSearcher;
        UploadFolder = Directory.CreateTempSubdirectory("sharpvl-uploads-").FullName;
    }

    /// <summary>The searcher (index and model).</summary>
    public VideoSearcher Searcher { get; }

    /// <summary>The index.</summary>
    public IVideoIndexStore Store => Searcher.Store;

    /// <summary>The private temporary folder uploads are written to (and deleted from) before they are labelled.</summary>
    public string UploadFolder { get; }

    private bool OwnsSearcher { get; }

    /// <summary>The best segments for a text query.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int topK, SearchMode mode, CancellationToken cancellationToken)
    {
        var embedding = await WithModel(() => Searcher.Embedder.EmbedTexts([query])[0], cancellationToken).ConfigureAwait(false);
        return Store.Search(embedding, topK, mode);
    }

    /// <summary>
    /// Zero-shot labels for a video file with the loaded model — X-CLIP's own video–prompt logits, or AltCLIP's image–text
    /// logits of the middle frame — softmaxed over <paramref name="labels"/>, and the indexed segments most like it.
    /// </summary>
    public async Task<(IReadOnlyList<LabelScore> Labels, IReadOnlyList<SearchHit> Similar)> ClassifyAsync(
        string videoPath, IReadOnlyList<string> labels, int similar, CancellationToken cancellationToken)
    {
        var (scores, example) = await WithModel(() => (Label(videoPath, labels), Searcher.EmbedExample(videoPath)), cancellationToken).ConfigureAwait(false);
        return (scores, Store.Search(example, similar));
    }

    private IReadOnlyList<LabelScore> Label(string videoPath, IReadOnlyList<string> labels)
    {
        switch (Searcher.Embedder)
        {
            case XCLIPSegmentEmbedder x:
            {
                using var classifier = new ZeroShotVideoClassificationPipeline(x.XClip, x.Processor, Searcher.Reader);
                return classifier.Classify(videoPath, new ClassificationOptions { CandidateLabels = labels }).Labels;
            }
            case AltCLIPKeyframeEmbedder a:
            {
                using var pipeline = new ZeroShotImageClassificationPipeline(a.AltClip, a.Processor);
                var info = Searcher.Reader.Probe(videoPath);
                var frame = Searcher.Reader.ReadFrames(videoPath, [info.FrameCount / 2]);
                return pipeline.Classify(frame[0], new ClassificationOptions { CandidateLabels = labels }).Labels;
            }
            default:
                throw new NotSupportedException($"Labelling is not available for {Searcher.Embedder.Model.Kind} indexes.");
        }
    }

    private async Task<T> WithModel<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _model.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Forwards are CPU-bound: run them off the request thread.
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _model.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _model.Dispose();
        try
        {
            Directory.Delete(UploadFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a request being torn down; the OS cleans temp folders.
        }
        if (OwnsSearcher)
        {
            Searcher.Dispose();
            Searcher.Store.Dispose();
        }
    }
}
