using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace SharpVL.Cli.Inputs;

/// <summary>An input argument that names no usable file, with the reason (it becomes that input's error record).</summary>
/// <param name="Input">The argument (or list-file line) as given.</param>
/// <param name="Message">One line saying what is wrong, naming the input.</param>
public sealed record InputProblem(string Input, string Message);

/// <summary>The files a command's input arguments name, in order and without duplicates, and the arguments that name none.</summary>
/// <param name="Files">Paths to process, as the user spelled them (folder entries joined to the folder argument).</param>
/// <param name="Problems">Arguments that are missing, empty folders, patterns that match nothing, or the wrong kind of media.</param>
public sealed record ExpandedInputs(IReadOnlyList<string> Files, IReadOnlyList<InputProblem> Problems);

/// <summary>
/// Turns a command's input arguments into files, the same way for every command:
/// <list type="bullet">
/// <item>a file is taken as it is (an image given where videos are expected, or the reverse, is a problem that names the right command);</item>
/// <item>a folder is searched recursively for files with the command's extensions (hidden entries skipped, sorted by path);</item>
/// <item>a pattern with <c>*</c>, <c>?</c> or <c>**</c> is matched from its fixed leading folders (files filtered by extension as for folders);</item>
/// <item><c>@list.txt</c> reads one input per line (blank lines and lines starting with <c>#</c> skipped; each line may be a file, folder or pattern, relative to the current directory);</item>
/// <item><c>-</c> reads inputs from standard input the same way.</item>
/// </list>
/// </summary>
public sealed class InputExpander
{
    private readonly MediaKind _kind;
    private readonly Func<TextReader> _stdin;
    private readonly string? _otherCommand;

    /// <summary>Creates an expander for a command taking <paramref name="kind"/> files.</summary>
    /// <param name="kind">Videos or images.</param>
    /// <param name="otherKindCommand">The command to suggest when a file of the other kind is given (e.g. <c>zero-shot-image</c>).</param>
    /// <param name="stdin">Standard input (default <see cref="Console.In"/>).</param>
    public InputExpander(MediaKind kind, string? otherKindCommand = null, Func<TextReader>? stdin = null)
    {
        _kind = kind;
        _otherCommand = otherKindCommand;
        _stdin = stdin ?? (() => Console.In);
    }

    /// <summary>Expands <paramref name="arguments"/> (see the class remarks).</summary>
    public ExpandedInputs Expand(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<InputProblem>();
        var stdinRead = false;
        foreach (var argument in arguments)
        {
            if (argument == "-")
            {
                if (!stdinRead)
                {
                    stdinRead = true;
                    ExpandLines(_stdin(), "standard input", files, seen, problems);
                }
            }
            else if (argument.Length > 1 && argument[0] == '@')
            {
                var listFile = argument[1..];
                if (!File.Exists(listFile))
                {
                    problems.Add(new InputProblem(argument, $"{listFile}: list file not found"));
                    continue;
                }
                using var reader = new StreamReader(listFile);
                ExpandLines(reader, listFile, files, seen, problems);
            }
            else
            {
                ExpandOne(argument, files, seen, problems);
            }
        }
        return new ExpandedInputs(files, problems);
    }

    private void ExpandLines(TextReader reader, string source, List<string> files, HashSet<string> seen, List<InputProblem> problems)
    {
        var any = false;
        while (reader.ReadLine() is { } line)
        {
            var entry = line.Trim();
            if (entry.Length == 0 || entry[0] == '#')
            {
                continue;
            }
            any = true;
            ExpandOne(entry, files, seen, problems);
        }
        if (!any)
        {
            problems.Add(new InputProblem(source, $"{source}: no inputs listed"));
        }
    }

    private void ExpandOne(string input, List<string> files, HashSet<string> seen, List<InputProblem> problems)
    {
        if (File.Exists(input))
        {
            var detected = MediaKinds.Detect(input);
            if (detected is MediaKind other && other != _kind)
            {
                problems.Add(new InputProblem(input, WrongKindMessage(input, other)));
                return;
            }
            Add(input, files, seen);
        }
        else if (Directory.Exists(input))
        {
            AddMatches(input, SearchFolder(input), $"{input}: folder has no {Plural} ({Extensions})", files, seen, problems);
        }
        else if (IsPattern(input))
        {
            var (root, pattern) = SplitPattern(input);
            var matches = Directory.Exists(root) ? MatchPattern(root, pattern) : [];
            AddMatches(input, matches, $"{input}: pattern matches no {Plural} ({Extensions})", files, seen, problems);
        }
        else
        {
            problems.Add(new InputProblem(input, $"{input}: no such file or folder"));
        }
    }

    private string Plural => MediaKinds.Noun(_kind) + " files";

    private string Extensions => string.Join(", ", MediaKinds.ExtensionsOf(_kind).Order(StringComparer.Ordinal));

    private string WrongKindMessage(string input, MediaKind actual)
    {
        var hint = _otherCommand is null ? "" : $" (use 'sharpvl {_otherCommand}' for {MediaKinds.Noun(actual)}s)";
        return $"{input}: is {MediaKinds.WithArticle(actual)}, not {MediaKinds.WithArticle(_kind)}{hint}";
    }

    private static void AddMatches(
        string input, IEnumerable<string> matches, string noneMessage, List<string> files, HashSet<string> seen, List<InputProblem> problems)
    {
        var any = false;
        foreach (var match in matches)
        {
            any = true;
            Add(match, files, seen);
        }
        if (!any)
        {
            problems.Add(new InputProblem(input, noneMessage));
        }
    }

    private static void Add(string path, List<string> files, HashSet<string> seen)
    {
        if (seen.Add(Path.GetFullPath(path)))
        {
            files.Add(path);
        }
    }

    private IEnumerable<string> SearchFolder(string folder)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            IgnoreInaccessible = true,
            MatchType = MatchType.Simple,
        };
        var extensions = MediaKinds.ExtensionsOf(_kind);
        return Directory.EnumerateFiles(folder, "*", options)
            .Where(path => extensions.Contains(Path.GetExtension(path)) && !IsHidden(Path.GetRelativePath(folder, path)))
            .Order(StringComparer.Ordinal);
    }

    private IEnumerable<string> MatchPattern(string root, string pattern)
    {
        var matcher = new Matcher(OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        var extensions = MediaKinds.ExtensionsOf(_kind);
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files
            .Select(m => root == "." ? m.Path : Path.Combine(root, m.Path))
            .Where(path => extensions.Contains(Path.GetExtension(path)) && !IsHidden(Path.GetRelativePath(root, path)))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>True when the argument has glob characters (<c>*</c>, <c>?</c>).</summary>
    internal static bool IsPattern(string input) => input.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Splits a pattern into the folder before its first wildcard segment and the rest (e.g. <c>clips/**/*.mp4</c> → <c>clips</c>, <c>**/*.mp4</c>).</summary>
    internal static (string Root, string Pattern) SplitPattern(string input)
    {
        var segments = input.Replace('\\', '/').Split('/');
        var firstWild = Array.FindIndex(segments, s => IsPattern(s));
        var root = string.Join('/', segments[..firstWild]);
        if (root.Length == 0)
        {
            root = input.StartsWith('/') ? "/" : ".";
        }
        return (root, string.Join('/', segments[firstWild..]));
    }

    private static bool IsHidden(string relativePath)
        => relativePath.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.') && part is not "." and not "..");
}
