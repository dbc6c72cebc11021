using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpVL.Pipelines;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl zero-shot video... --labels "a,b,c" [--template "a video of {}"] --model id [--frames N] [--batch-size N] [--json]</c>:
/// zero-shot video classification with X-CLIP.
/// </summary>
internal static class ZeroShotCommand
{
    public static Command Create()
    {
        var videos = new Argument<string[]>("video") { Description = "Video files (mp4, webm, avi, ...).", Arity = ArgumentArity.OneOrMore };
        var model = CliSupport.ModelOption("X-CLIP directory or Hub id, e.g. microsoft/xclip-base-patch32.");
        var labels = new Option<string>("--labels", "-l") { Description = "Candidate labels, comma-separated.", Required = true };
        var template = new Option<string>("--template")
        {
            Description = "Prompt template; {} is replaced by each label.",
            DefaultValueFactory = _ => ZeroShotVideoClassifier.DefaultTemplate,
        };
        var frames = FramesOption();
        var frameIndices = FrameIndicesOption();
        var batchSize = new Option<int>("--batch-size") { Description = "Videos per forward pass.", DefaultValueFactory = _ => 4 };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("zero-shot", "Score videos against free-text labels with X-CLIP; prints each label's probability per video.")
        {
            videos, model, labels, template, frames, frameIndices, batchSize, device, dtype, json,
        };
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var candidates = SplitLabels(parse.GetValue(labels)!);
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            using var classifier = CliSupport.WithStatus("Loading model", quiet,
                () => ZeroShotVideoClassifier.FromPretrained(parse.GetValue(model)!, loadOptions, decoding.Reader(parse)));
            CheckFrames(parse.GetValue(frames), classifier.NumFrames);
            var selection = Selection(parse.GetValue(frameIndices));
            using var labelSet = classifier.PrepareLabels(candidates, parse.GetValue(template)!);
            var paths = parse.GetValue(videos)!;
            var results = CliSupport.WithStatus("Decoding and scoring", quiet,
                () => classifier.ClassifyFiles(paths, labelSet, selection, parse.GetValue(batchSize)));
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    video = r.Source,
                    frame_indices = r.FrameIndices,
                    labels = r.Labels.Select(l => new { label = l.Label, index = l.Index, score = l.Score, logit = r.Logits[l.Index] }),
                }), CliSupport.Json));
            }
            else
            {
                Print(results, labelSet);
            }
            return 0;
        }));
        return command;
    }

    internal static Option<int?> FramesOption()
        => new("--frames") { Description = "Frames per video; must equal the model's num_frames (default: that value)." };

    internal static Option<string?> FrameIndicesOption()
        => new("--frame-indices") { Description = "Exact frame indices, comma-separated (e.g. 1,13,25,37)." };

    internal static void CheckFrames(int? requested, int numFrames)
    {
        if (requested is int n && n != numFrames)
        {
            throw new ArgumentException($"This model takes exactly {numFrames} frames per video (num_frames); --frames {n} cannot be used.");
        }
    }

    internal static FrameSelection Selection(string? indices)
    {
        if (indices is null)
        {
            return FrameSelection.Uniform;
        }
        var parsed = indices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                ? i
                : throw new ArgumentException($"--frame-indices: '{s}' is not an integer."))
            .ToList();
        return FrameSelection.Indices(parsed);
    }

    internal static IReadOnlyList<string> SplitLabels(string labels)
    {
        var list = labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return list.Length > 0 ? list : throw new ArgumentException("--labels: give at least one label (comma-separated).");
    }

    private static void Print(IReadOnlyList<ZeroShotVideoResult> results, ZeroShotLabelSet labels)
    {
        foreach (var result in results)
        {
            CliSupport.Heading($"{result.Source} (frames {string.Join(", ", result.FrameIndices)})");
            var table = new Table();
            table.AddColumn("label").AddColumn("prompt").AddColumn(new TableColumn("probability").RightAligned()).AddColumn(new TableColumn("logit").RightAligned());
            foreach (var label in result.Labels)
            {
                table.AddRow(
                    Markup.Escape(label.Label), Markup.Escape(labels.Prompts[label.Index]),
                    label.Score.ToString("0.0000", CultureInfo.InvariantCulture),
                    result.Logits[label.Index].ToString("0.0000", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
        }
    }
}
