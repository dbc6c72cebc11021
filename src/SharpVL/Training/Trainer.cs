using System.Diagnostics;
using System.Globalization;
using SharpVL.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// Fine-tunes a <see cref="TrainingTask"/>'s model: seeded shuffling and augmentation, AdamW over Transformers'
/// weight-decay groups with a warm-up schedule, gradient accumulation, global-norm clipping, optional bf16 compute with
/// float32 master weights, an evaluation every epoch, resumable checkpoints every N steps and at the end, early
/// stopping, and metrics as JSON lines. Every random draw derives from the seed and the position in the run (epoch,
/// example, step), so a run resumed from a checkpoint continues with exactly the losses of an uninterrupted one.
/// </summary>
public sealed class Trainer
{
    /// <summary>Creates a trainer for <paramref name="task"/>.</summary>
    public Trainer(TrainingTask task, TrainerOptions options)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The task (model, inputs, evaluation).</summary>
    public TrainingTask Task { get; }

    /// <summary>The hyper-parameters.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Called with every record as it is logged (after each optimizer step and each evaluation).</summary>
    public Action<TrainingLogRecord>? OnLog { get; set; }

    /// <summary>The name of the metrics file in the output directory.</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>Optimizer steps per epoch for <paramref name="examples"/> training examples.</summary>
    public long StepsPerEpoch(int examples)
    {
        var batches = (examples + Options.BatchSize - 1) / Options.BatchSize;
        return (batches + Options.GradientAccumulationSteps - 1) / Options.GradientAccumulationSteps;
    }

    /// <summary>
    /// Trains on <paramref name="train"/>, evaluating on <paramref name="eval"/> after every epoch; resumes from the
    /// checkpoint directory <paramref name="resumeFrom"/> when given. Cancelling <paramref name="cancellationToken"/>
    /// stops at the next batch, saves a resumable checkpoint of the last completed step and returns.
    /// </summary>
    public TrainingResult Train(TrainingDataset train, TrainingDataset? eval = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        Task.Validate(train);
        if (eval is not null)
        {
            Task.Validate(eval);
        }
        var output = Path.GetFullPath(Options.OutputDirectory);
        Directory.CreateDirectory(output);
        manual_seed(Options.Seed);
        var model = Task.Model;
        model.GradientCheckpointing = Options.GradientCheckpointing;
        using var masters = Options.ComputeDType is ScalarType.BFloat16 && model.DType != ScalarType.BFloat16
            ? MasterWeights.Create(model, ScalarType.BFloat16) : null;
        if (Options.FreezeBackbone)
        {
            Task.FreezeBackbone();
        }
        var modelGroups = WeightDecayGroups.Of(model);
        var groups = masters?.Groups(modelGroups) ?? modelGroups;
        var trainable = groups.Decay.Concat(groups.NoDecay).Select(p => p.Parameter).ToList();
        if (trainable.Count == 0)
        {
            throw new InvalidOperationException($"{model.GetType().Name} has no trainable parameters.");
        }
        using var optimizer = groups.CreateAdamW(Options.LearningRate, Options.WeightDecay);
        var stepsPerEpoch = StepsPerEpoch(train.Count);
        var maxSteps = stepsPerEpoch * Options.Epochs;
        var state = new TrainerState { MaxSteps = maxSteps, StepsPerEpoch = stepsPerEpoch, Seed = Options.Seed, BaseModel = Task.SourceDirectory };
        if (resumeFrom is not null)
        {
            state = Resume(resumeFrom, masters, optimizer, state);
        }
        var scheduler = LearningRateSchedules.Create(
            optimizer, Options.Scheduler, LearningRateSchedules.WarmupSteps(maxSteps, Options.WarmupRatio), maxSteps, state.GlobalStep);
        var run = new Run(this, train, eval, state, masters, optimizer, scheduler, trainable, output, resumeFrom is not null);
        return run.Execute(cancellationToken);
    }

    private TrainerState Resume(string checkpoint, MasterWeights? masters, OptimizerHelper optimizer, TrainerState fresh)
    {
        var saved = TrainingCheckpoint.ReadState(checkpoint);
        if (saved.MaxSteps != fresh.MaxSteps || saved.StepsPerEpoch != fresh.StepsPerEpoch || saved.Seed != fresh.Seed)
        {
            throw new TrainingCheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"{checkpoint}: saved by a run of {saved.MaxSteps} steps ({saved.StepsPerEpoch} per epoch, seed {saved.Seed}), but this run has {fresh.MaxSteps} ({fresh.StepsPerEpoch} per epoch, seed {fresh.Seed}); resume with the same data, epochs, batch size, accumulation and seed."),
                checkpoint);
        }
        return TrainingCheckpoint.Load(checkpoint, Task, masters, optimizer);
    }

    /// <summary>One run's loop state.</summary>
    private sealed class Run(
        Trainer trainer, TrainingDataset train, TrainingDataset? eval, TrainerState state, MasterWeights? masters,
        OptimizerHelper optimizer, TorchSharp.torch.optim.lr_scheduler.LRScheduler scheduler, List<Parameter> trainable, string output, bool resumed)
    {
        private readonly TrainerOptions _options = trainer.Options;
        private readonly TrainingTask _task = trainer.Task;
        private readonly TrainingStep _step = new(trainer.Task.Model, optimizer, trainable, masters, trainer.Options.MaxGradNorm);
        private Tensor _boundaryRng = get_rng_state();
        private string? _lastCheckpoint;
        private IReadOnlyDictionary<string, double>? _lastEvaluation;

        public TrainingResult Execute(CancellationToken cancellationToken)
        {
            using var log = new MetricsLog(Path.Combine(output, MetricsFile), append: resumed);
            var model = _task.Model;
            var stepsPerEpoch = state.StepsPerEpoch;
            var stopped = false;
            for (var epoch = (int)(state.GlobalStep / stepsPerEpoch); epoch < _options.Epochs && !stopped; epoch++)
            {
                var order = Enumerable.Range(0, train.Count).ToArray();
                SeedSequence.Random(_options.Seed, epoch).Shuffle(order);
                var batches = order.Chunk(_options.BatchSize).ToList();
                var firstStep = state.GlobalStep - (epoch * stepsPerEpoch);
                // Optimizer steps of this epoch: groups of accumulation micro-batches (the last group may be shorter).
                var groups = batches.Chunk(_options.GradientAccumulationSteps).Skip((int)firstStep).ToList();
                var pending = groups.SelectMany(g => g).ToList();
                var prepared = DecodeAhead.Run(pending, _options.DecodeAhead, b => Prepare(b, epoch), cancellationToken).GetEnumerator();
                try
                {
                    model.train();
                    foreach (var group in groups)
                    {
                        if (!Step(group.Length, prepared, log, cancellationToken))
                        {
                            return Interrupt();
                        }
                        var lastOfEpoch = state.GlobalStep == (epoch + 1) * stepsPerEpoch;
                        if (lastOfEpoch && eval is not null)
                        {
                            stopped = Evaluate(log);
                        }
                        if (_options.SaveSteps > 0 && state.GlobalStep % _options.SaveSteps == 0 && state.GlobalStep < state.MaxSteps && !stopped)
                        {
                            SaveCheckpoint();
                        }
                    }
                }
                finally
                {
                    prepared.Dispose();
                }
            }
            SaveCheckpoint();
            TrainingCheckpoint.SaveModel(output, _task, masters);
            return new TrainingResult(state, output, _lastCheckpoint, Interrupted: false, StoppedEarly: stopped, _lastEvaluation);
        }

        private PreparedBatch Prepare(int[] indices, int epoch)
        {
            var examples = indices.Select(i => train.Examples[i]).ToList();
            var randoms = indices.Select(i => SeedSequence.Random(_options.Seed, epoch, i)).ToList();
            return _task.Prepare(indices, examples, randoms);
        }

        /// <summary>One optimizer step over <paramref name="microBatches"/> batches; false when cancelled first.</summary>
        private bool Step(int microBatches, IEnumerator<PreparedBatch> prepared, MetricsLog log, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            var clips = 0;
            for (var micro = 0; micro < microBatches; micro++)
            {
                if (cancellationToken.IsCancellationRequested || !prepared.MoveNext())
                {
                    _step.Discard();
                    return false;
                }
                var batch = prepared.Current;
                using var scope = NewDisposeScope();
                var inputs = _task.Inputs(batch, SeedSequence.Random(_options.Seed, 1, state.GlobalStep, micro));
                // The mean over the step's micro-batches, as one larger batch would give.
                lossSum += _step.Accumulate(inputs, _task.Arguments, microBatches);
                clips += batch.Count;
            }
            var (gradNorm, learningRate) = _step.Apply();
            scheduler.step();
            state.GlobalStep++;
            state.Epoch = (double)state.GlobalStep / state.StepsPerEpoch;
            _boundaryRng.Dispose();
            _boundaryRng = get_rng_state();
            var seconds = clock.Elapsed.TotalSeconds;
            Record(log, "train", new Dictionary<string, double?>
            {
                ["step"] = state.GlobalStep,
                ["epoch"] = Math.Round(state.Epoch, 4),
                ["loss"] = lossSum / microBatches,
                ["learning_rate"] = learningRate,
                ["grad_norm"] = gradNorm,
                ["clips_per_second"] = seconds > 0 ? clips / seconds : null,
                ["max_steps"] = state.MaxSteps,
            });
            return true;
        }

        /// <summary>Evaluates; true when early stopping ends the run.</summary>
        private bool Evaluate(MetricsLog log)
        {
            var model = _task.Model;
            model.eval();
            try
            {
                var batches = eval!.Examples.Select((e, i) => i).Chunk(_options.BatchSize).ToList();
                var prepared = DecodeAhead.Run(batches, _options.DecodeAhead, b =>
                {
                    var examples = b.Select(i => eval.Examples[i]).ToList();
                    return _task.Prepare(b, examples, null);
                });
                var metrics = _task.Evaluate(prepared, eval, _options.Seed);
                _lastEvaluation = metrics;
                var values = new Dictionary<string, double?> { ["step"] = state.GlobalStep, ["epoch"] = Math.Round(state.Epoch, 4) };
                foreach (var (name, value) in metrics)
                {
                    values[name] = value;
                }
                Record(log, "eval", values);
                return EarlyStopping(metrics);
            }
            finally
            {
                model.train();
            }
        }

        private bool EarlyStopping(IReadOnlyDictionary<string, double> metrics)
        {
            if (!metrics.TryGetValue(_task.MainMetric, out var value) || !double.IsFinite(value))
            {
                return false;
            }
            var improved = state.BestMetric is not double best
                || (_task.GreaterIsBetter ? value > best + _options.EarlyStoppingThreshold : value < best - _options.EarlyStoppingThreshold);
            if (improved)
            {
                state.BestMetric = value;
                state.BestStep = state.GlobalStep;
                state.EvaluationsWithoutImprovement = 0;
            }
            else
            {
                state.EvaluationsWithoutImprovement++;
            }
            return _options.EarlyStoppingPatience > 0 && state.EvaluationsWithoutImprovement >= _options.EarlyStoppingPatience;
        }

        private void Record(MetricsLog log, string type, Dictionary<string, double?> values)
        {
            var history = new Dictionary<string, double?>(values);
            state.LogHistory.Add(history);
            log.Write(type, values);
            trainer.OnLog?.Invoke(new TrainingLogRecord(type, values));
        }

        private void SaveCheckpoint()
        {
            var directory = Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"checkpoint-{state.GlobalStep}"));
            TrainingCheckpoint.Save(directory, _task, masters, optimizer, state, _boundaryRng);
            _lastCheckpoint = directory;
        }

        private TrainingResult Interrupt()
        {
            SaveCheckpoint();
            return new TrainingResult(state, output, _lastCheckpoint, Interrupted: true, StoppedEarly: false, _lastEvaluation);
        }
    }
}
