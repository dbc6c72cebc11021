using System.CommandLine;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl classify videos... --model id</c>: video classification with a VideoMAE classifier.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var inputs = InputBatches.Argument(MediaKind.Video);
        var model = new ModelOptions("VideoMAEForVideoClassification directory or Hub id, e.g. MCG-NJU/videomae-base-finetuned-kinetics.");
        var topK = CliOptions.TopK(5);
        var frames = new FrameOptions();
        var batchSize = CliOptions.BatchSize(4);
        var output = new OutputOptions();
        var command = new Command("classify", "Classify videos with a VideoMAE classifier; prints the top labels from id2label with probabilities.")
        {
            inputs, topK, batchSize,
        };
        model.AddTo(command);
        frames.AddTo(command);
        output.AddTo(command);
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction((parse, cancellation) => CommandRun.ExecuteAsync(parse, output, "sharpvl classify", cancellation, async run =>
        {
            var selection = frames.Selection(parse);
            var k = CliOptions.TopKOrAll(parse.GetValue(topK));
            var files = InputBatches.Expand(run, parse.GetValue(inputs)!, MediaKind.Video, "zero-shot-image");
            if (files.Count == 0)
            {
                return;
            }
            using var pipeline = model.Load(parse, run, (id, options) => VideoClassificationPipeline.FromPretrained(id, options, decoding.Reader(parse)));
            pipeline.BatchSize = parse.GetValue(batchSize);
            var classification = new ClassificationOptions { TopK = k, Frames = selection };
            await InputBatches.ProcessStreamAsync(
                run, files, pipeline.BatchSize,
                files => pipeline.ClassifyFileBatches(files, classification),
                (file, result) => new InputRecord
                {
                    Input = file,
                    FrameIndices = result.FrameIndices,
                    Labels = result.Labels.Select(l => LabelRecord.FromFloat(l.Label, l.Index, l.Score)).ToList(),
                }.WithDamage(result.Damage),
                (file, result) => pipeline.Reader.ReadFrames(file, result.FrameIndices)).ConfigureAwait(false);
        }));
        return command;
    }
}
