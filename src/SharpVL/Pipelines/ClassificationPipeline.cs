using System.Runtime.CompilerServices;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using TorchSharp;

namespace SharpVL.Pipelines;

/// <summary>
/// What the classification pipelines share, written once: batching, the streaming async variant with per-input
/// failures, option checks and the ownership rule of <see cref="IPipeline"/>.
/// </summary>
/// <typeparam name="TModel">The model type.</typeparam>
public abstract class ClassificationPipeline<TModel> : IClassificationPipeline
    where TModel : torch.nn.Module
{
    private readonly bool _ownsModel;
    private bool _disposed;

    /// <summary>Wraps <paramref name="model"/>; <paramref name="ownsModel"/> makes <see cref="Dispose()"/> dispose it.</summary>
    private protected ClassificationPipeline(TModel model, bool ownsModel, int batchSize)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _ownsModel = ownsModel;
        BatchSize = batchSize;
    }

    /// <summary>The model.</summary>
    public TModel Model { get; }

    /// <inheritdoc />
    public abstract string Task { get; }

    /// <inheritdoc />
    public int BatchSize
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

    private protected abstract bool ZeroShot { get; }

    private protected abstract bool TakesVideo { get; }

    /// <inheritdoc />
    public ClassificationResult Classify(string path, ClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ClassifyFiles([path], options)[0];
    }

    /// <inheritdoc />
    public IReadOnlyList<ClassificationResult> ClassifyFiles(IReadOnlyList<string> paths, ClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var checkedOptions = Check(options);
        return [.. ClassifyBatches(paths, checkedOptions).SelectMany(batch => batch)];
    }

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyFileBatches(IReadOnlyList<string> paths, ClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return ClassifyBatches(paths, Check(options));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ClassificationOutcome> ClassifyFilesAsync(
        IReadOnlyList<string> paths, ClassificationOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var checkedOptions = Check(options);
        var batches = BatchRunner.RunAsync(paths, BatchSize, files => ClassifyBatches(files, checkedOptions), cancellationToken: cancellationToken);
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            IEnumerable<ClassificationOutcome> outcomes = batch.Results is { } results
                ? batch.Inputs.Select((path, i) => new ClassificationOutcome(path, results[i], null))
                : batch.Inputs.Count == 1 ? [new ClassificationOutcome(batch.Inputs[0], null, batch.Error)]
                // Retry one by one, so only the inputs that fail on their own are reported as failed.
                : await System.Threading.Tasks.Task.Run(() => batch.Inputs.Select(path => Outcome(path, checkedOptions)).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                yield return outcome;
            }
        }
    }

    /// <summary>
    /// Runs the model over <paramref name="paths"/> (options already checked) and yields results batch by batch, in
    /// order; implementations may decode the next batch while the model runs the current one.
    /// </summary>
    private protected abstract IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyBatches(IReadOnlyList<string> paths, ClassificationOptions options);

    /// <summary>
    /// The video pipelines' <see cref="ClassifyBatches"/>: decoding and <paramref name="preprocess"/> of batch n+1 run on a
    /// worker thread while <paramref name="run"/> runs the model on batch n; each result carries its clip's decode damage.
    /// </summary>
    private protected IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyVideoFiles(
        VideoReader reader, IReadOnlyList<string> paths, ClassificationOptions options, int numFrames,
        Func<IReadOnlyList<DecodedClip>, PixelValues> preprocess, Func<PixelValues, IReadOnlyList<DecodedClip>, IEnumerable<ClassificationResult>> run)
        => VideoClips.PrepareAhead(reader, paths, options.Frames, numFrames, BatchSize, preprocess)
            .Select(b => (IReadOnlyList<ClassificationResult>)[.. run(b.Prepared, b.Clips).Select((r, i) => r with { Damage = b.Clips[i].Damage })]);

    /// <summary>Checks <paramref name="options"/> against this pipeline (null = defaults).</summary>
    private protected ClassificationOptions Check(ClassificationOptions? options)
        => (options ?? ClassificationOptions.Default).Validate(Task, ZeroShot, TakesVideo);

    private ClassificationOutcome Outcome(string path, ClassificationOptions options)
    {
        try
        {
            return new ClassificationOutcome(path, ClassifyBatches([path], options).Single()[0], null);
        }
        catch (Exception e)
        {
            return new ClassificationOutcome(path, null, e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the model when this pipeline owns it; overrides release their own resources too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (disposing && _ownsModel)
        {
            Model.Dispose();
        }
    }

    /// <summary>Builds a pipeline around a model loaded by <paramref name="load"/>, disposing the model if building fails.</summary>
    private protected static TPipeline Build<TPipeline, TLoaded>(Func<TLoaded> load, Func<TLoaded, TPipeline> build)
        where TLoaded : IDisposable
    {
        var loaded = load();
        try
        {
            return build(loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }
}
