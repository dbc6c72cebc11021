using SharpVL.Modeling;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// What the <see cref="Trainer"/> needs to know about one kind of training: the model, how a batch of examples becomes
/// the forward's named inputs, and how a validation set is scored. Load one with <see cref="TrainingTasks.Load"/>.
/// </summary>
public abstract class TrainingTask : IDisposable
{
    /// <summary>Creates the task.</summary>
    /// <param name="model">The model to train (owned by the task).</param>
    /// <param name="sourceDirectory">The directory the model came from (its processor and tokenizer files are saved with checkpoints).</param>
    /// <param name="clips">Decodes and preprocesses the videos.</param>
    protected TrainingTask(PreTrainedModel model, string sourceDirectory, VideoClipLoader clips)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        SourceDirectory = sourceDirectory ?? throw new ArgumentNullException(nameof(sourceDirectory));
        Clips = clips ?? throw new ArgumentNullException(nameof(clips));
    }

    /// <summary>The model being trained.</summary>
    public PreTrainedModel Model { get; }

    /// <summary>The model's source directory.</summary>
    public string SourceDirectory { get; }

    /// <summary>The clip decoder and preprocessor.</summary>
    public VideoClipLoader Clips { get; }

    /// <summary>The kind of training.</summary>
    public abstract TrainingTaskKind Kind { get; }

    /// <summary>The evaluation metric early stopping and the best checkpoint follow (e.g. <c>eval_accuracy</c>).</summary>
    public abstract string MainMetric { get; }

    /// <summary>Whether a larger <see cref="MainMetric"/> is better.</summary>
    public abstract bool GreaterIsBetter { get; }

    /// <summary>The forward's keyword arguments during training.</summary>
    public virtual ForwardArguments Arguments => ForwardArguments.None;

    /// <summary>The parameters <c>--freeze-backbone</c> leaves trainable (the head), by state-dict name prefix.</summary>
    public abstract IReadOnlyList<string> HeadPrefixes { get; }

    /// <summary>Checks that <paramref name="data"/> can train this task.</summary>
    /// <exception cref="TrainingDataException">What is missing.</exception>
    public virtual void Validate(TrainingDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate(Kind);
    }

    /// <summary>
    /// Decodes and preprocesses a batch (on a decode-ahead thread: no tensors); with <paramref name="random"/> (one per
    /// example) as a training batch, else as an evaluation batch.
    /// </summary>
    public virtual PreparedBatch Prepare(IReadOnlyList<int> indices, IReadOnlyList<TrainingExample> examples, IReadOnlyList<Random>? random)
        => new(indices, examples, Clips.Load(examples, random));

    /// <summary>
    /// The forward's named inputs for a training batch (tensors in the caller's dispose scope, on the model's device);
    /// <paramref name="random"/> supplies any per-step draw (masks).
    /// </summary>
    public abstract Dictionary<string, Tensor> Inputs(PreparedBatch batch, Random random);

    /// <summary>Scores the validation batches (model in eval mode, no gradients): <c>eval_loss</c> and the task's metrics.</summary>
    public abstract IReadOnlyDictionary<string, double> Evaluate(IEnumerable<PreparedBatch> batches, TrainingDataset data, long seed);

    /// <summary>Freezes every parameter outside <see cref="HeadPrefixes"/> (<c>requires_grad = false</c>).</summary>
    public void FreezeBackbone()
    {
        foreach (var (name, parameter) in Model.named_parameters())
        {
            parameter.requires_grad = HeadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        }
    }

    /// <summary>Extra config changes a checkpoint records (the classifier's labels); none by default.</summary>
    public virtual void PrepareConfigForSave()
    {
    }

    /// <summary>Pixel values on the model's device, in the dtype of its floating parameters.</summary>
    protected Tensor Pixels(PreparedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.PixelValues.ToTensor().to(Model.DType, Model.Device);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the model when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Model.Dispose();
        }
    }
}
