using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpVL.Cli.Infrastructure;
using SharpVL.Search;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl search "query" [--db ...] [--top-k 10] [--json] [--like file] [--exact]</c>: the best-matching segments.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "What to look for, in words (any language the model's tokenizer covers).", Arity = ArgumentArity.ZeroOrOne };
        var like = new Option<string?>("--like") { Description = "Search by example instead: a video or image file." };
        var db = SearchOptions.Db();
        var topK = SearchOptions.TopK();
        var exact = SearchOptions.Exact();
        var model = new Option<string?>("--model", "-m") { Description = "The index's model from another place (same revision); default: as recorded in the index." };
        var device = CliOptions.Device();
        var dtype = CliOptions.DType();
        var json = CliSupport.JsonOption();
        var command = new Command("search", "Find the video segments that best match a sentence (or an example with --like).")
        {
            query, like, db, topK, exact, model, device, dtype, json,
        };
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var quiet = parse.GetValue(json);
            var text = parse.GetValue(query);
            var example = parse.GetValue(like);
            if (string.IsNullOrWhiteSpace(text) == (example is null))
            {
                throw new UsageException("Give either a query or --like <video-or-image>.");
            }
            int k = parse.GetValue(topK);
            if (k < 1)
            {
                throw new UsageException($"--top-k must be at least 1 (got {k}).");
            }
            using var store = VideoIndexStores.Open(parse.GetValue(db));
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype));
            using var searcher = CliSupport.WithStatus("Loading model", quiet, () => VideoSearcher.Open(store, parse.GetValue(model), loadOptions));
            var mode = parse.GetValue(exact) ? SearchMode.Exact : SearchMode.Default;
            var hits = example is null ? searcher.Search(text!, k, mode) : searcher.SearchLike(example, k, mode);
            var modelId = store.Model!.Id;
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(hits.Select(h => new
                {
                    path = h.Path,
                    start_s = h.StartSeconds,
                    end_s = h.EndSeconds,
                    score = h.Score,
                    model = modelId,
                }), CliSupport.Json));
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape($"{hits.Count} best segments for {(example is null ? $"\"{text}\"" : example)} ({store.Name})")}[/]");
            var table = new Table().AddColumns("rank", "score", "time", "path");
            for (int i = 0; i < hits.Count; i++)
            {
                var h = hits[i];
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), h.Score.ToString("0.0000", CultureInfo.InvariantCulture),
                    $"{SearchOptions.FormatTime(h.StartSeconds)}–{SearchOptions.FormatTime(h.EndSeconds)}", Markup.Escape(h.Path));
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
