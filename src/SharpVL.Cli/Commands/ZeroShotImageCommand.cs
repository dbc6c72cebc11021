using System.CommandLine;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl zero-shot-image images... --labels a --labels b --model id [--template "{}"]</c>: zero-shot image
/// classification with AltCLIP (labels in any language).
/// </summary>
internal static class ZeroShotImageCommand
{
    public static Command Create()
    {
        var inputs = InputBatches.Argument(MediaKind.Image);
        var labels = new LabelOptions();
        var template = new Option<string>("--template")
        {
            Description = "Hypothesis template; {} is replaced by each label (e.g. \"a photo of {}\").",
            DefaultValueFactory = _ => ZeroShotImageClassificationPipeline.DefaultTemplate,
        };
        var model = new ModelOptions("AltCLIPModel directory or Hub id, e.g. BAAI/AltCLIP.");
        var topK = CliOptions.TopK(0);
        var batchSize = CliOptions.BatchSize(16);
        var output = new OutputOptions();
        var command = new Command("zero-shot-image", "Classify images against free-text labels in any language with AltCLIP; prints label probabilities.")
        {
            inputs, template, topK, batchSize,
        };
        labels.AddTo(command);
        model.AddTo(command);
        output.AddTo(command);
        command.SetAction((parse, cancellation) => CommandRun.ExecuteAsync(parse, output, "sharpvl zero-shot-image", cancellation, async run =>
        {
            var candidates = labels.Resolve(parse);
            var k = CliOptions.TopKOrAll(parse.GetValue(topK));
            var files = InputBatches.Expand(run, parse.GetValue(inputs)!, MediaKind.Image, "zero-shot");
            if (files.Count == 0)
            {
                return;
            }
            using var pipeline = model.Load(parse, run, (id, options) => ZeroShotImageClassificationPipeline.FromPretrained(id, options));
            pipeline.BatchSize = parse.GetValue(batchSize);
            var classification = new ClassificationOptions { TopK = k, CandidateLabels = candidates, HypothesisTemplate = parse.GetValue(template)! };
            await InputBatches.ProcessStreamAsync(
                run, files, pipeline.BatchSize,
                files => pipeline.ClassifyFileBatches(files, classification),
                (file, result) => new InputRecord
                {
                    Input = file,
                    Labels = result.Labels.Select(l => LabelRecord.FromFloat(l.Label, l.Index, l.Score)).ToList(),
                },
                (file, _) => [ImageFile.LoadRgb(file)]).ConfigureAwait(false);
        }));
        return command;
    }
}
