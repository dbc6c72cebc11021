using System.CommandLine;
using System.Globalization;
using SharpVL.Cli.Infrastructure;
using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Training;
using SharpVL.Training.Data;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl train data --model id --output dir [...]</c>: fine-tunes a model on labelled videos (VideoMAE
/// classification or pre-training) or (video, text) pairs (X-CLIP, AltCLIP contrastive), with resumable checkpoints.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("data")
        {
            Description = "A folder with one subfolder per label (data/<label>/*.mp4), or a CSV/JSONL file of path,label or path,text rows.",
        };
        var options = new TrainOptions();
        var command = new Command("train", "Fine-tune a model on your videos: classification (VideoMAE, TVLT with the soundtrack), pre-training (VideoMAE, --mask-ratio) or contrastive (X-CLIP, AltCLIP).")
        {
            data,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellation) => System.Threading.Tasks.Task.FromResult(CliSupport.Guard(parse, () => Run(parse, parse.GetValue(data)!, options, cancellation))));
        return command;
    }

    private static int Run(ParseResult parse, string dataPath, TrainOptions o, CancellationToken cancellation)
    {
        var trainerOptions = o.TrainerOptions(parse);
        var json = parse.GetValue(o.Json);
        var model = parse.GetValue(o.Model.Model)!;
        var maskRatio = parse.GetValue(o.MaskRatio);
        var resume = parse.GetValue(o.Resume);

        // Everything that can be wrong with the input is found before the model is built.
        var train = TrainingDataset.Load(dataPath);
        var eval = parse.GetValue(o.Eval) is string evalPath ? TrainingDataset.Load(evalPath) : null;
        var load = CliSupport.LoadOptions(parse.GetValue(o.Model.Device), null);
        var directory = CliSupport.LoadModel(null, model, () => PretrainedFiles.Resolve(model, load));
        var (modelType, architectures) = ConfigJson.Peek(directory);
        var kind = TrainingTasks.KindFor(modelType, maskRatio, model, architectures);
        train.Validate(kind);
        eval?.Validate(kind);
        if (resume is not null && !TrainingCheckpoint.IsCheckpoint(resume))
        {
            throw new TrainingCheckpointException($"{resume}: not a resumable checkpoint (no {TrainingCheckpoint.StateFile}).", resume);
        }
        TrainingOutput.EnsureUsable(trainerOptions.OutputDirectory, model, parse.GetValue(o.Overwrite));
        var audio = modelType == "tvlt";
        train = WithoutUnreadable(train, parse.GetValue(o.SkipBad), kind, audio, cancellation);
        eval = eval is null ? null : WithoutUnreadable(eval, parse.GetValue(o.SkipBad), kind, audio, cancellation);

        var reporter = new TrainingReporter(json, trainerOptions.Epochs);
        using var task = CliSupport.LoadModel(null, model, () => TrainingTasks.Load(directory, train, new TrainingTaskOptions
        {
            MaskRatio = maskRatio,
            Load = load,
            Seed = trainerOptions.Seed,
        }));
        TrainingOutput.WriteArguments(trainerOptions.OutputDirectory, model, new Dictionary<string, object?>
        {
            ["task"] = kind.ToString().ToLowerInvariant(),
            ["data"] = train.Source,
            ["eval"] = eval?.Source,
            ["epochs"] = trainerOptions.Epochs,
            ["batch_size"] = trainerOptions.BatchSize,
            ["learning_rate"] = trainerOptions.LearningRate,
            ["warmup_ratio"] = trainerOptions.WarmupRatio,
            ["weight_decay"] = trainerOptions.WeightDecay,
            ["gradient_accumulation_steps"] = trainerOptions.GradientAccumulationSteps,
            ["seed"] = trainerOptions.Seed,
            ["freeze_backbone"] = trainerOptions.FreezeBackbone,
            ["dtype"] = trainerOptions.ComputeDType is TorchSharp.torch.ScalarType.BFloat16 ? "bfloat16" : "float32",
            ["mask_ratio"] = maskRatio,
        });
        var trainer = new Trainer(task, trainerOptions) { OnLog = reporter.Log };
        reporter.Start(train.Count, trainer.StepsPerEpoch(train.Count), kind);
        var result = trainer.Train(train, eval, resume, cancellation);
        reporter.Finish(result);
        return result.Interrupted ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static TrainingDataset WithoutUnreadable(TrainingDataset data, bool skipBad, TrainingTaskKind kind, bool audio, CancellationToken cancellation)
    {
        var bad = DatasetScan.FindUnreadable(data, requireAudio: audio, cancellationToken: cancellation);
        if (bad.Count == 0)
        {
            return data;
        }
        var listed = string.Join("; ", bad.Take(5).Select(b => $"{b.Path}: {b.Problem}")) + (bad.Count > 5 ? $"; and {bad.Count - 5} more" : "");
        if (!skipBad)
        {
            throw new TrainingDataException(
                string.Create(CultureInfo.InvariantCulture, $"{data.Source}: {bad.Count} unreadable video{(bad.Count == 1 ? "" : "s")} ({listed}); fix or remove them, or pass --skip-bad to train without them."),
                data.Source);
        }
        foreach (var video in bad)
        {
            Console.Error.WriteLine($"warning: skipping {video.Path}: {video.Problem}");
        }
        var kept = data.Without([.. bad.Select(b => b.Path)]);
        if (kept.Count == 0)
        {
            throw new TrainingDataException($"{data.Source}: no readable video is left.", data.Source);
        }
        kept.Validate(kind);
        return kept;
    }
}
