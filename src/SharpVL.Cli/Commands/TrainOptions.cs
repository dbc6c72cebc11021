using System.CommandLine;
using System.Globalization;
using SharpVL.Cli.Infrastructure;
using SharpVL.Training;

namespace SharpVL.Cli.Commands;

/// <summary>The options of <c>sharpvl train</c>.</summary>
internal sealed class TrainOptions
{
    public ModelOptions Model { get; } = new("Model directory or Hub id to start from (VideoMAE, TVLT, X-CLIP or AltCLIP).");

    public Option<string> Output { get; } = new("--output", "-o") { Description = "Folder for checkpoints, the final model and metrics.jsonl.", Required = true, HelpName = "dir" };

    public Option<int> Epochs { get; } = CliOptions.Int("--epochs", "Passes over the data.", 3, 1);

    public Option<int> BatchSize { get; } = CliOptions.BatchSize(4);

    public Option<double> LearningRate { get; } = Number("--lr", "Peak learning rate of AdamW.", 5e-5, positive: true);

    public Option<double> WarmupRatio { get; } = Number("--warmup-ratio", "Fraction of the steps with linear warm-up.", 0.1, positive: false, max: 1);

    public Option<double> WeightDecay { get; } = Number("--weight-decay", "AdamW weight decay (not on biases and LayerNorms).", 0.01, positive: false);

    public Option<int> GradAccum { get; } = CliOptions.Int("--grad-accum", "Batches per optimizer step (gradient accumulation).", 1, 1);

    public Option<string?> Eval { get; } = new("--eval") { Description = "Validation data (same layouts), evaluated after every epoch.", HelpName = "data" };

    public Option<int> Seed { get; } = CliOptions.Int("--seed", "Seed of every random draw (head, shuffling, augmentation, masks).", 42, 0);

    public Option<bool> FreezeBackbone { get; } = new("--freeze-backbone") { Description = "Train only the head (classifier / projections)." };

    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue from a checkpoint folder (output/checkpoint-N).", HelpName = "checkpoint" };

    public Option<double?> MaskRatio { get; } = new("--mask-ratio") { Description = "VideoMAE: masked-autoencoder pre-training with this tube-mask ratio (e.g. 0.9) instead of classification.", HelpName = "ratio" };

    public Option<int> SaveSteps { get; } = CliOptions.Int("--save-steps", "Save a resumable checkpoint every N optimizer steps (0: at the end only).", 0, 0);

    public Option<int> Patience { get; } = CliOptions.Int("--early-stopping-patience", "Stop after N evaluations without improvement (0: never).", 0, 0);

    public Option<bool> SkipBad { get; } = new("--skip-bad") { Description = "Train without the videos that cannot be read (listed as warnings)." };

    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Write into an output folder that holds another model." };

    public Option<bool> GradientCheckpointing { get; } = new("--gradient-checkpointing") { Description = "Recompute activations in backward (less memory, about one more forward)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON line per step and per evaluation, then a summary line." };

    public void AddTo(Command command)
    {
        Model.AddTo(command);
        foreach (var option in new Option[]
        {
            Output, Epochs, BatchSize, LearningRate, WarmupRatio, WeightDecay, GradAccum, Eval, Seed, FreezeBackbone, Resume, MaskRatio,
            SaveSteps, Patience, SkipBad, Overwrite, GradientCheckpointing, Json,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The trainer options the command line gives.</summary>
    public TrainerOptions TrainerOptions(ParseResult parse)
    {
        if (parse.GetValue(MaskRatio) is double ratio && !(ratio > 0 && ratio < 1))
        {
            throw new UsageException($"--mask-ratio: {ratio.ToString(CultureInfo.InvariantCulture)} must lie strictly between 0 and 1.");
        }
        var dtype = parse.GetValue(Model.DType);
        var compute = dtype is null ? (TorchSharp.torch.ScalarType?)null : Runtime.TorchRuntime.ParseDType(dtype);
        if (compute is not (null or TorchSharp.torch.ScalarType.Float32 or TorchSharp.torch.ScalarType.BFloat16))
        {
            throw new UsageException($"--dtype: training runs in float32 or bfloat16 (float32 master weights), not {dtype}.");
        }
        return new TrainerOptions
        {
            OutputDirectory = Path.GetFullPath(parse.GetValue(Output)!),
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(BatchSize),
            LearningRate = parse.GetValue(LearningRate),
            WarmupRatio = parse.GetValue(WarmupRatio),
            WeightDecay = parse.GetValue(WeightDecay),
            GradientAccumulationSteps = parse.GetValue(GradAccum),
            Seed = parse.GetValue(Seed),
            FreezeBackbone = parse.GetValue(FreezeBackbone),
            SaveSteps = parse.GetValue(SaveSteps),
            EarlyStoppingPatience = parse.GetValue(Patience),
            GradientCheckpointing = parse.GetValue(GradientCheckpointing),
            ComputeDType = compute,
        };
    }

    private static Option<double> Number(string name, string description, double defaultValue, bool positive, double max = double.MaxValue)
    {
        var option = new Option<double>(name)
        {
            Description = $"{description}",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "x",
        };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                result.AddError($"{name}: '{text}' is not a number.");
                return defaultValue;
            }
            if (positive ? value <= 0 : value < 0 || value > max)
            {
                result.AddError($"{name}: {text} is out of range ({(positive ? "above 0" : max < double.MaxValue ? $"0 to {max.ToString(CultureInfo.InvariantCulture)}" : "0 or more")}).");
                return defaultValue;
            }
            return value;
        };
        return option;
    }
}
