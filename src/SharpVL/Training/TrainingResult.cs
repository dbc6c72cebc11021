namespace SharpVL.Training;

/// <summary>How a <see cref="Trainer"/> run ended.</summary>
/// <param name="State">The final trainer state (step, losses, evaluations).</param>
/// <param name="OutputDirectory">The run's output directory (holding the final model unless interrupted).</param>
/// <param name="LastCheckpoint">The last checkpoint written (resume from it).</param>
/// <param name="Interrupted">Cancelled before the end (a resumable checkpoint was saved).</param>
/// <param name="StoppedEarly">Early stopping ended the run.</param>
/// <param name="LastEvaluation">The last evaluation's metrics, if any.</param>
public sealed record TrainingResult(
    TrainerState State, string OutputDirectory, string? LastCheckpoint, bool Interrupted, bool StoppedEarly,
    IReadOnlyDictionary<string, double>? LastEvaluation);

/// <summary>One logged record of a run, as the <see cref="Trainer"/> reports it while training.</summary>
/// <param name="Type"><c>train</c> (an optimizer step) or <c>eval</c> (an evaluation).</param>
/// <param name="Values">step, epoch, loss, learning_rate, grad_norm, clips_per_second, ... or the eval_* metrics.</param>
public sealed record TrainingLogRecord(string Type, IReadOnlyDictionary<string, double?> Values)
{
    /// <summary>The value of <paramref name="name"/> (null when absent or not a number).</summary>
    public double? this[string name] => Values.TryGetValue(name, out var v) ? v : null;
}
