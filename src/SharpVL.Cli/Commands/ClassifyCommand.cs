using System.CommandLine;
using System.Text.Json;
using SharpVL.Pipelines;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl classify video... --model id [--top-k 5] [--frames N] [--json]</c>: video classification with a VideoMAE classifier.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var videos = new Argument<string[]>("video") { Description = "Video files (mp4, webm, avi, ...).", Arity = ArgumentArity.OneOrMore };
        var model = CliSupport.ModelOption("VideoMAEForVideoClassification directory or Hub id, e.g. MCG-NJU/videomae-base-finetuned-kinetics.");
        var topK = new Option<int>("--top-k") { Description = "How many labels to print.", DefaultValueFactory = _ => 5 };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip; must equal the model's num_frames (default: that value)." };
        var frameIndices = new Option<string?>("--frame-indices") { Description = "Exact frame indices, comma-separated (e.g. 4,16,28,40)." };
        var sampleRate = new Option<int?>("--sample-rate") { Description = "Use the Transformers docs' sample_frame_indices with this frame_sample_rate." };
        var seed = new Option<int?>("--seed") { Description = "Seed for --sample-rate (numpy-compatible: np.random.seed)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Videos per forward pass.", DefaultValueFactory = _ => 4 };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("classify", "Classify videos with a VideoMAE classifier; prints the top labels from id2label with probabilities.")
        {
            videos, model, topK, frames, frameIndices, sampleRate, seed, batchSize, device, dtype, json,
        };
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            using var pipeline = CliSupport.WithStatus("Loading model", quiet,
                () => VideoClassificationPipeline.FromPretrained(parse.GetValue(model)!, loadOptions, decoding.Reader(parse)));
            var requestedFrames = parse.GetValue(frames);
            if (requestedFrames is int n && n != pipeline.NumFrames)
            {
                throw new ArgumentException($"This model takes exactly {pipeline.NumFrames} frames per clip (num_frames); --frames {n} cannot be used.");
            }
            var selection = Selection(parse.GetValue(frameIndices), parse.GetValue(sampleRate), parse.GetValue(seed));
            var paths = parse.GetValue(videos)!;
            var results = Run(pipeline, paths, parse.GetValue(topK), selection, parse.GetValue(batchSize), quiet);
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    video = r.Source,
                    frame_indices = r.FrameIndices,
                    labels = r.Labels.Select(l => new { label = l.Label, index = l.Index, score = l.Score }),
                }), CliSupport.Json));
            }
            else
            {
                Print(results);
            }
            return 0;
        }));
        return command;
    }

    private static IReadOnlyList<VideoClassificationResult> Run(
        VideoClassificationPipeline pipeline, string[] paths, int topK, FrameSelection selection, int batchSize, bool quiet)
    {
        if (quiet || Console.IsErrorRedirected || paths.Length == 1)
        {
            return CliSupport.WithStatus("Decoding and classifying", quiet, () => pipeline.ClassifyFiles(paths, topK, selection, batchSize));
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        IReadOnlyList<VideoClassificationResult> results = [];
        console.Progress().Start(context =>
        {
            var task = context.AddTask("Classifying videos", maxValue: paths.Length);
            results = pipeline.ClassifyFiles(paths, topK, selection, batchSize, new Progress<int>(done => task.Value = done));
        });
        return results;
    }

    private static FrameSelection Selection(string? indices, int? sampleRate, int? seed)
    {
        if (indices is not null)
        {
            var parsed = indices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var i) ? i : throw new ArgumentException($"--frame-indices: '{s}' is not an integer."))
                .ToList();
            return FrameSelection.Indices(parsed);
        }
        return sampleRate is int rate ? FrameSelection.Sampled(rate, seed) : FrameSelection.Uniform;
    }

    private static void Print(IReadOnlyList<VideoClassificationResult> results)
    {
        foreach (var result in results)
        {
            CliSupport.Heading($"{result.Source} (frames {string.Join(", ", result.FrameIndices)})");
            var table = new Table();
            table.AddColumn("label").AddColumn(new TableColumn("probability").RightAligned());
            foreach (var label in result.Labels)
            {
                table.AddRow(Markup.Escape(label.Label), label.Score.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
        }
    }
}
