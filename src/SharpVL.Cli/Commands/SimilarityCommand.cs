using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpVL.Pipelines;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl similarity --images a.jpg b.png --texts "..." "..." --model id [--json]</c>: the image × text similarity
/// matrix of an AltCLIP model.
/// </summary>
internal static class SimilarityCommand
{
    // Labels and texts are often not ASCII: keep them readable in the JSON.
    private static readonly JsonSerializerOptions Json = new(CliSupport.Json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var images = new Option<string[]>("--images", "-i")
        {
            Description = "Image files.",
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
        var model = CliSupport.ModelOption("AltCLIPModel directory or Hub id, e.g. BAAI/AltCLIP.");
        var batchSize = new Option<int>("--batch-size") { Description = "Images or texts per forward pass.", DefaultValueFactory = _ => 16 };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("similarity", "Cosine similarity (and scaled logits) of every image with every text, with AltCLIP.")
        {
            images, texts, model, batchSize, device, dtype, json,
        };
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            var paths = parse.GetValue(images)!;
            ZeroShotImageCommand.RequireImageFiles(paths);
            using var pipeline = CliSupport.WithStatus("Loading model", quiet,
                () => ZeroShotImageClassificationPipeline.FromPretrained(parse.GetValue(model)!, loadOptions));
            pipeline.BatchSize = parse.GetValue(batchSize);
            var result = CliSupport.WithStatus("Embedding", quiet, () => pipeline.SimilarityFiles(paths, parse.GetValue(texts)!));
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    images = result.ImageSources,
                    texts = result.Texts,
                    cosine = result.Cosine,
                    logits = result.Logits,
                    best_text_per_image = result.BestTextPerImage(),
                    best_image_per_text = result.BestImagePerText(),
                }, Json));
            }
            else
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    private static void Print(ImageTextSimilarity result)
    {
        CliSupport.Heading("cosine similarity (image × text)");
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
