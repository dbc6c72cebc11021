using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Models;
using SharpVL.Cli.Output;
using SharpVL.Hub;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl download &lt;id&gt; [--revision r] [--json]</c>: fetches a model's config, weights and processor/tokenizer
/// files into the Hugging Face cache, with progress, so it loads later without the network (HF_HUB_OFFLINE=1).
/// </summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Hub id (namespace/name, optionally @revision), e.g. MCG-NJU/videomae-base-finetuned-kinetics." };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main).", HelpName = "rev" };
        var json = CliSupport.JsonOption();
        var command = new Command("download", "Download a model from the Hugging Face Hub into the local cache for offline use.")
        {
            id, revision, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CliSupport.Guard(parse, () =>
        {
            var modelId = parse.GetValue(id)!;
            if (Directory.Exists(modelId))
            {
                throw new UsageException($"'{modelId}' is a local folder; download takes a Hub id such as 'namespace/name'.");
            }
            var locator = new ModelLocator(new HubClient(HubSettings.FromEnvironment()));
            var snapshot = locator.ResolvePretrainedAsync(modelId, parse.GetValue(revision), new CliSupport.DownloadReporter(), cancellation)
                .GetAwaiter().GetResult();
            var files = Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(snapshot, f)).Order(StringComparer.Ordinal).ToList();
            var (_, size) = HubCacheScan.Measure(snapshot);
            var kind = ModelKinds.Of(Path.Combine(snapshot, "config.json"));
            var repoId = ModelLocator.ParseHubId(modelId, parse.GetValue(revision)).RepoId;
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["id"] = repoId,
                    ["commit"] = Path.GetFileName(snapshot),
                    ["path"] = snapshot,
                    ["files"] = new JsonArray(files.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
                    ["size_bytes"] = size,
                    ["sharpvl_class"] = kind.ClassName,
                    ["command"] = kind.Command,
                }.ToJsonString(JsonValues.Indented));
            }
            else
            {
                Console.WriteLine($"{repoId} @ {Path.GetFileName(snapshot)}: {files.Count} files, {ModelsCommand.Size(size)} in {snapshot}");
                Console.WriteLine(kind.ClassName is null
                    ? $"note: SharpVL cannot load it ({kind.Note})."
                    : $"loads as {kind.ClassName}{(kind.Command is null ? "" : $"; use it with: sharpvl {kind.Command.Split(',')[0]} ... --model {repoId}")}");
            }
            return 0;
        })));
        return command;
    }
}
