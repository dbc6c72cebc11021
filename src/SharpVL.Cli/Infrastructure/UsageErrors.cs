using System.CommandLine;

namespace SharpVL.Cli.Infrastructure;

/// <summary>The one-line text of a command-line parse error, with a "did you mean" for a mistyped option or command.</summary>
internal static class UsageErrors
{
    /// <summary>The first parse error of <paramref name="parse"/> (and how many more there are).</summary>
    public static string Describe(ParseResult parse)
    {
        // An unknown word explains the other errors it causes ("required command was not provided"), so it is the one shown.
        if (parse.UnmatchedTokens.Count > 0)
        {
            return Unknown(parse.CommandResult.Command, parse.UnmatchedTokens[0]);
        }
        var first = parse.Errors[0].Message;
        var more = parse.Errors.Count - 1;
        return more > 0 ? $"{first} (and {more} more problem{(more == 1 ? "" : "s")})" : first;
    }

    /// <summary>"unknown option '--frams' (did you mean --frame-indices?)".</summary>
    public static string Unknown(Command command, string token)
    {
        var what = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
        var suggestion = Suggest(command, token);
        return $"unknown {what} '{token}'" + (suggestion is null ? "" : $" (did you mean {suggestion}?)");
    }

    /// <summary>
    /// Makes an input argument reject words that look like options (<c>--frames</c>), which System.CommandLine would
    /// otherwise take as file names; a file whose name starts with '-' still works when it exists (or after <c>--</c>,
    /// as <c>./-name.mp4</c>).
    /// </summary>
    public static void RejectUnknownOptions(Argument<string[]> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                var value = token.Value;
                if (value.Length > 1 && value[0] == '-' && !File.Exists(value) && !Directory.Exists(value)
                    && result.Parent is System.CommandLine.Parsing.CommandResult command)
                {
                    result.AddError(Unknown(command.Command, value));
                    return;
                }
            }
        });
    }

    private static string? Suggest(Command command, string token)
    {
        var candidates = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
            .Concat(command.Subcommands.Select(c => c.Name))
            .Where(name => name.Length > 2)
            .Distinct(StringComparer.Ordinal);
        var best = candidates
            .Select(name => (name, distance: Distance(token, name)))
            .Where(c => c.distance <= Math.Max(2, c.name.Length / 3))
            .OrderBy(c => c.distance)
            .FirstOrDefault();
        return best.name;
    }

    /// <summary>Levenshtein distance (edits to turn one word into the other).</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
