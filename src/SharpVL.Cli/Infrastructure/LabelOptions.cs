using System.CommandLine;

namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// Candidate labels, one rule for every command: each <c>--labels</c> value is one label (repeat the option for more;
/// commas, including full-width ones, are part of the label), and <c>--labels-file</c> adds one label per line
/// (UTF-8; blank lines skipped).
/// </summary>
internal sealed class LabelOptions
{
    public Option<string[]> Labels { get; } = new("--labels", "-l")
    {
        Description = "One candidate label; repeat for more (--labels cat --labels \"salt, pepper and vinegar\").",
        HelpName = "label",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> LabelsFile { get; } = new("--labels-file")
    {
        Description = "A UTF-8 text file with one candidate label per line.",
        HelpName = "file",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Labels);
        command.Options.Add(LabelsFile);
    }

    /// <summary>The labels in order: the <c>--labels</c> values, then the file's lines.</summary>
    /// <exception cref="UsageException">No labels, an empty label, a repeated label, or an unreadable file.</exception>
    public List<string> Resolve(ParseResult parse)
    {
        var labels = new List<string>();
        foreach (var value in parse.GetValue(Labels) ?? [])
        {
            labels.Add(value.Trim());
        }
        if (parse.GetValue(LabelsFile) is { } file)
        {
            labels.AddRange(ReadFile(file));
        }
        if (labels.Count == 0)
        {
            throw new UsageException("give candidate labels with --labels (once per label) or --labels-file.");
        }
        if (labels.Any(l => l.Length == 0))
        {
            throw new UsageException("--labels: a label is empty.");
        }
        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UsageException($"label '{duplicate.Key}' is given twice.");
        }
        return labels;
    }

    private static IEnumerable<string> ReadFile(string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--labels-file: cannot read '{file}': {e.Message}");
        }
        return lines.Select(l => l.Trim()).Where(l => l.Length > 0);
    }
}
