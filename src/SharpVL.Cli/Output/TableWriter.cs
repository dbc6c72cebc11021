using System.Globalization;
using Spectre.Console;

namespace SharpVL.Cli.Output;

/// <summary>The default output: per input a heading (input and frames) and a table of its labels; errors go to stderr only.</summary>
internal sealed class TableWriter : IResultWriter
{
    public void Write(InputRecord record)
    {
        if (record.Labels is null)
        {
            return;
        }
        var frames = record.FrameIndices is null ? "" : $" (frames {string.Join(", ", record.FrameIndices)})";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(record.Input + frames)}[/]");
        var withPrompt = record.Labels.Any(l => l.Prompt is not null && l.Prompt != l.Label);
        var withLogit = record.Labels.Any(l => l.Logit is not null);
        var table = new Table();
        table.AddColumn("label");
        if (withPrompt)
        {
            table.AddColumn("prompt");
        }
        table.AddColumn(new TableColumn("probability").RightAligned());
        if (withLogit)
        {
            table.AddColumn(new TableColumn("logit").RightAligned());
        }
        foreach (var label in record.Labels)
        {
            var cells = new List<string> { Markup.Escape(label.Label) };
            if (withPrompt)
            {
                cells.Add(Markup.Escape(label.Prompt ?? ""));
            }
            cells.Add(Format(label.Score));
            if (withLogit)
            {
                cells.Add(label.Logit is double logit ? Format(logit) : "");
            }
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }

    public void Complete(RunSummary summary)
    {
        foreach (var file in summary.Files ?? [])
        {
            Console.WriteLine($"wrote {file}");
        }
    }

    private static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
