using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>Hyper-parameters and bookkeeping of a <see cref="Trainer"/> run (Transformers' <c>TrainingArguments</c> subset).</summary>
public sealed record TrainerOptions
{
    /// <summary>Where checkpoints, the final model and <c>metrics.jsonl</c> go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Clips per forward pass.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Forward/backward passes per optimizer step (the effective batch is their product).</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Decoupled weight decay on every parameter but biases and LayerNorms.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Fraction of the optimizer steps spent warming up linearly from 0.</summary>
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>The learning-rate schedule after warm-up.</summary>
    public SchedulerType Scheduler { get; init; } = SchedulerType.Linear;

    /// <summary>Global gradient-norm clipping threshold (0: no clipping).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seed of every random draw (head initialisation, shuffling, augmentation, masks, dropout).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Save a resumable checkpoint every this many optimizer steps (0: only at the end).</summary>
    public int SaveSteps { get; init; }

    /// <summary>Stop when the main evaluation metric has not improved for this many evaluations (0: never).</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>The least change of the main metric that counts as an improvement.</summary>
    public double EarlyStoppingThreshold { get; init; }

    /// <summary>
    /// Compute dtype of the forward and backward (<see cref="ScalarType.BFloat16"/>: bf16 compute with float32 master
    /// weights and optimizer state); null trains in the model's dtype.
    /// </summary>
    public ScalarType? ComputeDType { get; init; }

    /// <summary>Only the task's head is trained.</summary>
    public bool FreezeBackbone { get; init; }

    /// <summary>Recompute activations in backward to bound memory (Transformers' <c>gradient_checkpointing</c>).</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>Batches decoded ahead of the model on a worker thread.</summary>
    public int DecodeAhead { get; init; } = 2;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputDirectory);
        Require(Epochs >= 1, "epochs must be at least 1");
        Require(BatchSize >= 1, "batch size must be at least 1");
        Require(GradientAccumulationSteps >= 1, "gradient accumulation steps must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning rate must be a positive number");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight decay must be 0 or more");
        Require(WarmupRatio is >= 0 and <= 1, "warmup ratio must lie in [0, 1]");
        Require(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm), "max grad norm must be 0 or more");
        Require(SaveSteps >= 0, "save steps must be 0 or more");
        Require(EarlyStoppingPatience >= 0, "early stopping patience must be 0 or more");
        Require(DecodeAhead >= 0, "decode-ahead must be 0 or more");
        Require(ComputeDType is null or ScalarType.Float32 or ScalarType.BFloat16, "compute dtype must be float32 or bfloat16");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid trainer options: {message}.");
        }
    }
}
