using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpVL.Pipelines;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl av-classify video --model id [--top-k N] [--frame-indices a,b,..] [--json]</c>: audio-visual classification with TVLT.</summary>
internal static class AvClassifyCommand
{
    public static Command Create()
    {
        var video = new Argument<string>("video") { Description = "A video file with an audio track (mp4, mkv, webm, ...)." };
        var model = CliSupport.ModelOption("TvltForAudioVisualClassification directory or Hub id.");
        var topK = new Option<int>("--top-k") { Description = "How many labels to print (0 = all).", DefaultValueFactory = _ => 5 };
        var frameIndices = new Option<string?>("--frame-indices") { Description = "Exact frame indices, comma-separated (at most the processor's num_frames)." };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("av-classify",
            "Classify a video together with its soundtrack with a TVLT classifier; prints labels from id2label with probabilities.")
        {
            video, model, topK, frameIndices, device, dtype, json,
        };
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            using var pipeline = CliSupport.WithStatus("Loading model", quiet,
                () => AudioVisualClassificationPipeline.FromPretrained(parse.GetValue(model)!, loadOptions, decoding.Reader(parse)));
            if (pipeline.Processor.UsedDefaults && !quiet)
            {
                Console.Error.WriteLine("warning: the model has no preprocessor_config.json; using TvltProcessor's defaults " +
                    "(224-pixel frames, 8 frames, 44.1 kHz audio).");
            }
            var path = parse.GetValue(video)!;
            var selection = Selection(parse.GetValue(frameIndices));
            var result = CliSupport.WithStatus("Decoding and classifying", quiet, () => pipeline.ClassifyFile(path, parse.GetValue(topK), selection));
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    video = result.Source,
                    frame_indices = result.FrameIndices,
                    labels = result.Labels.Select(l => new { label = l.Label, index = l.Index, score = l.Score }),
                    logits = result.Logits,
                    processor_defaults = pipeline.Processor.UsedDefaults,
                }, CliSupport.Json));
            }
            else
            {
                CliSupport.Heading($"{result.Source} (frames {string.Join(", ", result.FrameIndices)}, with audio)");
                var table = new Table();
                table.AddColumn("label").AddColumn(new TableColumn("probability").RightAligned());
                foreach (var label in result.Labels)
                {
                    table.AddRow(Markup.Escape(label.Label), label.Score.ToString("0.0000", CultureInfo.InvariantCulture));
                }
                AnsiConsole.Write(table);
            }
            return 0;
        }));
        return command;
    }

    private static FrameSelection? Selection(string? indices)
    {
        if (indices is null)
        {
            return null;
        }
        var parsed = indices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"--frame-indices: '{s}' is not an integer."))
            .ToList();
        return FrameSelection.Indices(parsed);
    }
}
