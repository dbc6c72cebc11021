using System.CommandLine;
using SharpVL.Cli.Output;

namespace SharpVL.Cli.Infrastructure;

/// <summary>The output options of the per-input commands: <c>--json</c>, <c>--jsonl</c>, <c>--csv</c> and <c>--report</c>.</summary>
internal sealed class OutputOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON document: {\"results\": [...], \"summary\": {...}}." };

    public Option<bool> Jsonl { get; } = new("--jsonl") { Description = "Print one JSON object per input (JSON Lines), as each input finishes." };

    public Option<bool> Csv { get; } = new("--csv") { Description = "Print CSV rows (input, frame_indices, rank, label, index, score, logit, error)." };

    public Option<string?> Report { get; } = new("--report")
    {
        Description = "Also write a self-contained HTML report (frames the model saw, label probabilities) to this file.",
        HelpName = "report.html",
    };

    /// <summary>Adds the options to <paramref name="command"/> (<paramref name="report"/>: also --report).</summary>
    public void AddTo(Command command, bool report = true)
    {
        command.Options.Add(Json);
        command.Options.Add(Jsonl);
        command.Options.Add(Csv);
        if (report)
        {
            command.Options.Add(Report);
        }
    }

    /// <summary>The chosen format; more than one of --json/--jsonl/--csv is a usage error.</summary>
    public OutputFormat Format(ParseResult parse)
    {
        var chosen = new[] { (parse.GetValue(Json), OutputFormat.Json), (parse.GetValue(Jsonl), OutputFormat.Jsonl), (parse.GetValue(Csv), OutputFormat.Csv) }
            .Where(c => c.Item1).Select(c => c.Item2).ToList();
        return chosen.Count switch
        {
            0 => OutputFormat.Table,
            1 => chosen[0],
            _ => throw new UsageException("choose one output format: --json, --jsonl or --csv."),
        };
    }
}
