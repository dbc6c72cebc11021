using static TorchSharp.torch.optim;
using static TorchSharp.torch.optim.lr_scheduler;

namespace SharpVL.Training;

/// <summary>The learning-rate schedules of Transformers' <c>get_scheduler</c> (<c>SchedulerType</c>).</summary>
public enum SchedulerType
{
    /// <summary><c>linear</c>: warm-up from 0, then linear decay to 0 at the last step (the Trainer's default).</summary>
    Linear,

    /// <summary><c>cosine</c>: warm-up, then half a cosine wave down to 0.</summary>
    Cosine,

    /// <summary><c>constant</c>: the base learning rate throughout (no warm-up).</summary>
    Constant,

    /// <summary><c>constant_with_warmup</c>: warm-up, then the base learning rate.</summary>
    ConstantWithWarmup,
}

/// <summary>
/// Learning-rate multipliers as Transformers 4.27.1 defines them in <c>optimization.py</c> (the <c>lr_lambda</c> of each
/// <c>get_*_schedule_with_warmup</c>), and the <c>LambdaLR</c> that applies them. <c>LambdaLR</c> is TorchSharp's, which
/// behaves as PyTorch's: the multiplier of step <c>t</c> scales each group's initial learning rate, and the scheduler
/// steps once at construction so the first optimizer step uses multiplier(0).
/// </summary>
public static class LearningRateSchedules
{
    /// <summary>Parses a Transformers scheduler name (<c>linear</c>, <c>cosine</c>, <c>constant</c>, <c>constant_with_warmup</c>).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static SchedulerType Parse(string name) => name switch
    {
        "linear" => SchedulerType.Linear,
        "cosine" => SchedulerType.Cosine,
        "constant" => SchedulerType.Constant,
        "constant_with_warmup" => SchedulerType.ConstantWithWarmup,
        _ => throw new ArgumentException($"Unknown learning-rate schedule '{name}': expected linear, cosine, constant or constant_with_warmup."),
    };

    /// <summary>The multiplier of the base learning rate at optimizer step <paramref name="step"/> (0-based).</summary>
    /// <param name="type">The schedule.</param>
    /// <param name="step">The current step (the number of optimizer steps taken before this one).</param>
    /// <param name="warmupSteps">Steps of linear warm-up from 0.</param>
    /// <param name="trainingSteps">Total optimizer steps (linear and cosine reach 0 there).</param>
    /// <param name="cosineCycles">Waves of the cosine schedule (0.5: a half wave from 1 to 0).</param>
    public static double Multiplier(SchedulerType type, long step, long warmupSteps, long trainingSteps, double cosineCycles = 0.5)
    {
        if (type == SchedulerType.Constant)
        {
            return 1.0;
        }
        if (step < warmupSteps)
        {
            // constant_with_warmup divides by max(1.0, warmup), the others by max(1, warmup): the same number.
            return (double)step / Math.Max(1, warmupSteps);
        }
        var decaySteps = (double)Math.Max(1, trainingSteps - warmupSteps);
        return type switch
        {
            SchedulerType.ConstantWithWarmup => 1.0,
            SchedulerType.Linear => Math.Max(0.0, (trainingSteps - step) / decaySteps),
            SchedulerType.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * cosineCycles * 2.0 * ((step - warmupSteps) / decaySteps)))),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
    }

    /// <summary>
    /// Warm-up steps as the Trainer computes them: <paramref name="warmupSteps"/> when positive, else
    /// <c>ceil(trainingSteps · warmupRatio)</c>.
    /// </summary>
    public static long WarmupSteps(long trainingSteps, double warmupRatio, long warmupSteps = 0)
        => warmupSteps > 0 ? warmupSteps : (long)Math.Ceiling(trainingSteps * warmupRatio);

    /// <summary>
    /// A <c>LambdaLR</c> over every parameter group of <paramref name="optimizer"/> (Transformers' <c>get_scheduler</c>).
    /// To resume after <paramref name="completedSteps"/> optimizer steps, pass them: the next step uses
    /// multiplier(completedSteps), exactly as <c>last_epoch</c> does in PyTorch.
    /// </summary>
    public static LRScheduler Create(
        Optimizer optimizer, SchedulerType type, long warmupSteps, long trainingSteps, long completedSteps = 0, double cosineCycles = 0.5)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(completedSteps);
        // LambdaLR steps once in its constructor, moving last_epoch from the given value to the next one.
        return LambdaLR(
            optimizer, step => Multiplier(type, step, warmupSteps, trainingSteps, cosineCycles), last_epoch: checked((int)completedSteps) - 1);
    }
}
