using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl similarity --images a.jpg photos/ --texts "..." "..." --model id [--json]</c>: the image × text similarity
/// matrix of an AltCLIP model. An image that cannot be read is reported and left out of the matrix.
/// </summary>
internal static class SimilarityCommand
{
    public static Command Create()
    {
        var images = new Option<string[]>("--images", "-i")
        {
            Description = "Image files, folders, patterns, @list.txt or - (stdin).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var texts = new Option<string[]>("--texts", "-t")
        {
            Description = "Texts (any language), each one argument.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var model = new ModelOptions("AltCLIPModel directory or Hub id, e.g. BAAI/AltCLIP.");
        var batchSize = CliOptions.BatchSize(16);
        var json = CliSupport.JsonOption();
        var command = new Command("similarity", "Cosine similarity (and scaled logits) of every image with every text, with AltCLIP.")
        {
            images, texts, batchSize, json,
        };
        model.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var expanded = new InputExpander(MediaKind.Image).Expand(parse.GetValue(images)!);
            var errors = expanded.Problems.Select(p => (p.Input, p.Message)).ToList();
            var loaded = new List<(string Path, RgbImage Image)>();
            foreach (var path in expanded.Files)
            {
                try
                {
                    loaded.Add((path, ImageFile.LoadRgb(path)));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors.Add((path, ErrorText.OneLine(e, path)));
                }
            }
            foreach (var (_, message) in errors)
            {
                Console.Error.WriteLine($"error: {message}");
            }
            if (loaded.Count == 0)
            {
                return ExitCodes.Fatal;
            }
            using var pipeline = model.Load(parse, null, (id, options) => ZeroShotImageClassificationPipeline.FromPretrained(id, options));
            pipeline.BatchSize = parse.GetValue(batchSize);
            var result = pipeline.Similarity(loaded.Select(l => l.Image).ToList(), parse.GetValue(texts)!, loaded.Select(l => l.Path).ToList());
            if (parse.GetValue(json))
            {
                PrintJson(result, errors);
            }
            else
            {
                Print(result);
            }
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"{loaded.Count + errors.Count} inputs: {loaded.Count} succeeded, {errors.Count} failed");
            }
            return errors.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        }));
        return command;
    }

    private static void PrintJson(ImageTextSimilarity result, List<(string Input, string Message)> errors)
    {
        var values = new JsonValues();
        var document = new JsonObject
        {
            ["images"] = values.ToNode(result.ImageSources),
            ["texts"] = values.ToNode(result.Texts),
            ["cosine"] = values.ToNode(result.Cosine),
            ["logits"] = values.ToNode(result.Logits),
            ["best_text_per_image"] = values.ToNode(result.BestTextPerImage()),
            ["best_image_per_text"] = values.ToNode(result.BestImagePerText()),
            ["errors"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["input"] = e.Input, ["error"] = e.Message }).ToArray()),
        };
        if (values.NonFinite > 0)
        {
            var warning = JsonValues.NonFiniteWarning(values.NonFinite);
            document["warnings"] = new JsonArray(JsonValue.Create(warning));
            Console.Error.WriteLine($"warning: {warning}");
        }
        Console.WriteLine(document.ToJsonString(JsonValues.Indented));
    }

    private static void Print(ImageTextSimilarity result)
    {
        AnsiConsole.MarkupLine("[bold]cosine similarity (image × text)[/]");
        var table = new Table();
        table.AddColumn("image");
        foreach (var text in result.Texts)
        {
            table.AddColumn(new TableColumn(Markup.Escape(text)).RightAligned());
        }
        for (var i = 0; i < result.ImageSources.Count; i++)
        {
            var best = result.BestTextPerImage()[i];
            var cells = result.Cosine[i].Select((value, t) =>
            {
                var text = value.ToString("0.0000", CultureInfo.InvariantCulture);
                return t == best ? $"[bold]{text}[/]" : text;
            });
            table.AddRow([Markup.Escape(result.ImageSources[i]), .. cells]);
        }
        AnsiConsole.Write(table);
    }
}
