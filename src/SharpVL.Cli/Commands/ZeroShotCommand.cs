using System.CommandLine;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl zero-shot videos... --labels a --labels b [--template "a video of {}"] --model id</c>: zero-shot video
/// classification with X-CLIP.
/// </summary>
internal static class ZeroShotCommand
{
    public static Command Create()
    {
        var inputs = InputBatches.Argument(MediaKind.Video);
        var model = new ModelOptions("X-CLIP directory or Hub id, e.g. microsoft/xclip-base-patch32.");
        var labels = new LabelOptions();
        var template = new Option<string>("--template")
        {
            Description = "Prompt template; {} is replaced by each label.",
            DefaultValueFactory = _ => ZeroShotVideoClassificationPipeline.DefaultTemplate,
        };
        var topK = CliOptions.TopK(0);
        var frames = new FrameOptions();
        var batchSize = CliOptions.BatchSize(4);
        var output = new OutputOptions();
        var command = new Command("zero-shot", "Score videos against free-text labels with X-CLIP; prints each label's probability per video.")
        {
            inputs, template, topK, batchSize,
        };
        labels.AddTo(command);
        model.AddTo(command);
        frames.AddTo(command, sampling: false);
        output.AddTo(command);
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction((parse, cancellation) => CommandRun.ExecuteAsync(parse, output, "sharpvl zero-shot", cancellation, async run =>
        {
            var candidates = labels.Resolve(parse);
            var selection = frames.Selection(parse);
            var k = CliOptions.TopKOrAll(parse.GetValue(topK));
            var files = InputBatches.Expand(run, parse.GetValue(inputs)!, MediaKind.Video, "zero-shot-image");
            if (files.Count == 0)
            {
                return;
            }
            using var classifier = model.Load(parse, run, (id, options) => ZeroShotVideoClassificationPipeline.FromPretrained(id, options, decoding.Reader(parse)));
            classifier.BatchSize = parse.GetValue(batchSize);
            var classification = new ClassificationOptions
            {
                TopK = k, Frames = selection, CandidateLabels = candidates, HypothesisTemplate = parse.GetValue(template)!,
            };
            var prompts = candidates.Select(c => ZeroShotLabelSet.ApplyTemplate(classification.HypothesisTemplate, c)).ToList();
            await InputBatches.ProcessStreamAsync(
                run, files, classifier.BatchSize,
                videos => classifier.ClassifyFileBatches(videos, classification),
                (file, result) => new InputRecord
                {
                    Input = file,
                    FrameIndices = result.FrameIndices,
                    Labels = result.Labels
                        .Select(l => LabelRecord.FromFloat(l.Label, l.Index, l.Score, result.Logits[l.Index], prompts[l.Index]))
                        .ToList(),
                }.WithDamage(result.Damage),
                (file, result) => classifier.Reader.ReadFrames(file, result.FrameIndices)).ConfigureAwait(false);
        }));
        return command;
    }
}
