using System.CommandLine;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl av-classify videos... --model id</c>: audio-visual classification with TVLT (frames and soundtrack).</summary>
internal static class AvClassifyCommand
{
    public static Command Create()
    {
        var inputs = InputBatches.Argument(MediaKind.Video);
        var model = new ModelOptions("TvltForAudioVisualClassification directory or Hub id.");
        var topK = CliOptions.TopK(5);
        var frames = new FrameOptions();
        var batchSize = CliOptions.BatchSize(4);
        var output = new OutputOptions();
        var command = new Command("av-classify",
            "Classify videos together with their soundtracks with a TVLT classifier; prints labels from id2label with probabilities.")
        {
            inputs, topK, batchSize,
        };
        model.AddTo(command);
        frames.AddTo(command, sampling: false);
        output.AddTo(command);
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction((parse, cancellation) => CommandRun.ExecuteAsync(parse, output, "sharpvl av-classify", cancellation, async run =>
        {
            var selection = frames.Selection(parse);
            var k = CliOptions.TopKOrAll(parse.GetValue(topK));
            var files = InputBatches.Expand(run, parse.GetValue(inputs)!, MediaKind.Video, "zero-shot-image");
            if (files.Count == 0)
            {
                return;
            }
            using var pipeline = model.Load(parse, run, (id, options) => AudioVisualClassificationPipeline.FromPretrained(id, options, decoding.Reader(parse)));
            pipeline.BatchSize = parse.GetValue(batchSize);
            var classification = new ClassificationOptions { TopK = k, Frames = selection };
            await InputBatches.ProcessStreamAsync(
                run, files, pipeline.BatchSize,
                files => pipeline.ClassifyFileBatches(files, classification),
                (file, result) => new InputRecord
                {
                    Input = file,
                    FrameIndices = result.FrameIndices,
                    Labels = result.Labels.Select(l => LabelRecord.FromFloat(l.Label, l.Index, l.Score, result.Logits[l.Index])).ToList(),
                    Extra = new Dictionary<string, object?> { ["logits"] = result.Logits },
                }.WithDamage(result.Damage),
                (file, result) => pipeline.Reader.ReadFrames(file, result.FrameIndices)).ConfigureAwait(false);
        }));
        return command;
    }
}
