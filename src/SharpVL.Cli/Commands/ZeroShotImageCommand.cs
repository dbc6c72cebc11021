using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpVL.Pipelines;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl zero-shot-image image... --labels "a,b,c" --model id [--template "{}"] [--json]</c>: zero-shot image
/// classification with AltCLIP (multilingual labels).
/// </summary>
internal static class ZeroShotImageCommand
{
    // Labels and texts are often not ASCII: keep them readable in the JSON.
    private static readonly JsonSerializerOptions Json = new(CliSupport.Json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var images = new Argument<string[]>("image") { Description = "Image files (JPEG, PNG, BMP, GIF, WebP).", Arity = ArgumentArity.OneOrMore };
        var labels = new Option<string[]>("--labels", "-l")
        {
            Description = "Candidate labels, comma-separated and/or repeated (e.g. \"一张猫的照片,一张狗的照片\").",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var template = new Option<string>("--template")
        {
            Description = "Hypothesis template; {} is replaced by each label (e.g. \"a photo of {}\").",
            DefaultValueFactory = _ => "{}",
        };
        var model = CliSupport.ModelOption("AltCLIPModel directory or Hub id, e.g. BAAI/AltCLIP.");
        var batchSize = new Option<int>("--batch-size") { Description = "Images or texts per forward pass.", DefaultValueFactory = _ => 16 };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("zero-shot-image", "Classify images against free-text labels in any language with AltCLIP; prints label probabilities.")
        {
            images, labels, template, model, batchSize, device, dtype, json,
        };
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var candidates = SplitLabels(parse.GetValue(labels)!);
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            var paths = parse.GetValue(images)!;
            RequireImageFiles(paths);
            using var pipeline = CliSupport.WithStatus("Loading model", quiet,
                () => ZeroShotImageClassificationPipeline.FromPretrained(parse.GetValue(model)!, loadOptions));
            pipeline.BatchSize = parse.GetValue(batchSize);
            pipeline.HypothesisTemplate = parse.GetValue(template)!;
            var results = CliSupport.WithStatus("Classifying", quiet, () => pipeline.ClassifyFiles(paths, candidates));
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    image = r.Source,
                    labels = r.Labels.Select(l => new { label = l.Label, index = l.Index, score = l.Score }),
                }), Json));
            }
            else
            {
                Print(results);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Splits each <c>--labels</c> value on commas (ASCII or full-width) and drops empty entries.</summary>
    internal static List<string> SplitLabels(IEnumerable<string> values)
    {
        var labels = values
            .SelectMany(v => v.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (labels.Count == 0)
        {
            throw new ArgumentException("--labels: give at least one candidate label.");
        }
        return labels;
    }

    /// <summary>Fails before the (slow) model load when an image file is missing.</summary>
    internal static void RequireImageFiles(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
            }
        }
    }

    private static void Print(IReadOnlyList<ZeroShotImageClassificationResult> results)
    {
        foreach (var result in results)
        {
            CliSupport.Heading(result.Source ?? "image");
            var table = new Table();
            table.AddColumn("label").AddColumn(new TableColumn("probability").RightAligned());
            foreach (var label in result.Labels)
            {
                table.AddRow(Markup.Escape(label.Label), label.Score.ToString("0.0000", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
        }
    }
}
