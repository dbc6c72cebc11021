namespace SharpVL.Pipelines;

/// <summary>
/// A model with its processor, ready to run one task end to end (Transformers' <c>Pipeline</c>). Create one with
/// <see cref="Pipeline.Create(string, string, Modeling.ModelLoadOptions?)"/> or the pipeline class's <c>FromPretrained</c>.
/// </summary>
/// <remarks>
/// Ownership rule, the same for every pipeline: a pipeline made by <c>FromPretrained</c> or <see cref="Pipeline.Create(string, string, Modeling.ModelLoadOptions?)"/>
/// owns the model it loaded and disposes it; a pipeline wrapping a model the caller passed to its constructor leaves that
/// model alone unless the constructor was given <c>ownsModel: true</c>. Pipelines are not thread-safe.
/// </remarks>
public interface IPipeline : IDisposable
{
    /// <summary>The task name, as in Transformers (<c>video-classification</c>, ...; see <see cref="PipelineTasks"/>).</summary>
    string Task { get; }
}

/// <summary>
/// The shape every classification pipeline shares: files in, <see cref="ClassificationResult"/> out, labels ranked by
/// probability. Per-call settings (top-k, candidate labels, template, frames) travel in <see cref="ClassificationOptions"/>.
/// </summary>
public interface IClassificationPipeline : IPipeline
{
    /// <summary>Inputs per forward pass.</summary>
    int BatchSize { get; set; }

    /// <summary>Classifies one file.</summary>
    /// <exception cref="ArgumentException">Invalid options (e.g. no candidate labels for a zero-shot pipeline).</exception>
    /// <exception cref="SharpVLException">The file is missing or cannot be decoded.</exception>
    ClassificationResult Classify(string path, ClassificationOptions? options = null);

    /// <summary>Classifies files in batches of <see cref="BatchSize"/>; one result per file, in order. The first bad file throws.</summary>
    IReadOnlyList<ClassificationResult> ClassifyFiles(IReadOnlyList<string> paths, ClassificationOptions? options = null);

    /// <summary>
    /// Classifies files in batches of <see cref="BatchSize"/> and yields each batch's results (one per file, in order) as
    /// its forward finishes. Video pipelines decode and preprocess the next batch on a worker thread while the model runs
    /// the current one, so a folder keeps the model busy. The first bad file throws and ends the enumeration.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (checked before any file is read).</exception>
    IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyFileBatches(IReadOnlyList<string> paths, ClassificationOptions? options = null);

    /// <summary>
    /// Classifies files in batches of <see cref="BatchSize"/> on a worker thread and streams one outcome per file, in
    /// order, as each batch finishes; like <see cref="ClassifyFileBatches"/>, video pipelines decode the next batch while
    /// the model runs this one. A file that fails becomes a failed outcome; the others still run (a failing batch is
    /// retried file by file, then work-ahead resumes; <see cref="BatchRunner"/>). Cancellation is observed between batches.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (checked before any file is read).</exception>
    IAsyncEnumerable<ClassificationOutcome> ClassifyFilesAsync(
        IReadOnlyList<string> paths, ClassificationOptions? options = null, CancellationToken cancellationToken = default);
}
