using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpVL.Cli.Models;
using SharpVL.Cli.Output;
using SharpVL.Hub;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl models [--json]</c>: the models in the Hugging Face cache, their revisions, sizes and SharpVL classes.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var json = CliSupport.JsonOption();
        var command = new Command("models",
            "List the models in the Hugging Face cache (HF_HUB_CACHE / HF_HOME, shared with Python): id, revision, size and the SharpVL class that loads each.")
        {
            json,
        };
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var cache = HubSettings.FromEnvironment().CacheDirectory;
            var models = HubCacheScan.Scan(cache);
            if (parse.GetValue(json))
            {
                Console.WriteLine(Json(cache, models).ToJsonString(JsonValues.Indented));
            }
            else
            {
                Print(cache, models);
            }
            return 0;
        }));
        return command;
    }

    private static JsonObject Json(string cache, IReadOnlyList<CachedModel> models) => new()
    {
        ["cache"] = cache,
        ["models"] = new JsonArray(models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m.Id,
            ["path"] = m.Path,
            ["size_bytes"] = m.SizeBytes,
            ["revisions"] = new JsonArray(m.Revisions.Select(r => (JsonNode)new JsonObject
            {
                ["commit"] = r.Commit,
                ["refs"] = new JsonArray(r.Refs.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                ["files"] = r.Files,
                ["size_bytes"] = r.SizeBytes,
                ["path"] = r.Path,
                ["sharpvl_class"] = r.Kind.ClassName,
                ["command"] = r.Kind.Command,
                ["note"] = r.Kind.Note,
            }).ToArray()),
        }).ToArray()),
    };

    private static void Print(string cache, IReadOnlyList<CachedModel> models)
    {
        if (models.Count == 0)
        {
            Console.WriteLine($"No models in the Hugging Face cache ({cache}). Fetch one with: sharpvl download <id>");
            return;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape($"Models in {cache}")}[/]");
        var table = new Table();
        table.AddColumn("id").AddColumn("revision").AddColumn(new TableColumn("size").RightAligned()).AddColumn("loaded by").AddColumn("command");
        foreach (var model in models)
        {
            if (model.Revisions.Count == 0)
            {
                table.AddRow(Markup.Escape(model.Id), "(no snapshot)", Size(model.SizeBytes), "", "");
            }
            foreach (var revision in model.Revisions)
            {
                var name = revision.Refs.Count > 0 ? $"{string.Join(", ", revision.Refs)} ({revision.Commit[..7]})" : revision.Commit[..7];
                table.AddRow(
                    Markup.Escape(model.Id), Markup.Escape(name), Size(revision.SizeBytes),
                    Markup.Escape(revision.Kind.ClassName?.Split('.')[^1] ?? $"— {revision.Kind.Note}"), Markup.Escape(revision.Kind.Command ?? ""));
            }
        }
        AnsiConsole.Write(table);
    }

    /// <summary>A byte count for people: 512 B, 3.4 MiB, 1.2 GiB.</summary>
    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GiB"),
    };
}
