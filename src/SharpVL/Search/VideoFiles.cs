using Microsoft.Extensions.FileSystemGlobbing;

namespace SharpVL.Search;

/// <summary>Turns the inputs of <c>sharpvl index</c> (files, folders walked recursively, glob patterns) into video files.</summary>
public static class VideoFiles
{
    /// <summary>Extensions (lower case, with the dot) taken from folders and globs; a file named directly is always taken.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts", ".wmv", ".flv", ".3gp", ".ogv",
    };

    /// <summary>Full paths of the videos the inputs name, each once, sorted.</summary>
    /// <exception cref="FileNotFoundException">An input is neither a file, a folder nor a pattern that matches anything.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                found.Add(Path.GetFullPath(input));
            }
            else if (Directory.Exists(input))
            {
                foreach (var file in Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
                {
                    if (Extensions.Contains(Path.GetExtension(file)))
                    {
                        found.Add(Path.GetFullPath(file));
                    }
                }
            }
            else if (input.IndexOfAny(['*', '?', '[']) >= 0)
            {
                var matches = Glob(input).Where(f => Extensions.Contains(Path.GetExtension(f))).ToList();
                if (matches.Count == 0)
                {
                    throw new FileNotFoundException($"No video files match '{input}'.", input);
                }
                found.UnionWith(matches);
            }
            else
            {
                throw new FileNotFoundException($"'{input}' is neither a file nor a folder.", input);
            }
        }
        return [.. found];
    }

    private static IEnumerable<string> Glob(string pattern)
    {
        // The fixed leading folders are the root; the rest is matched (so "media/**/*.mp4" and "/data/*.mkv" both work).
        var full = Path.GetFullPath(pattern);
        var parts = full.Split(Path.DirectorySeparatorChar);
        int firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?', '[']) >= 0);
        var root = string.Join(Path.DirectorySeparatorChar, parts[..firstWild]);
        if (root.Length == 0)
        {
            root = Path.DirectorySeparatorChar.ToString();
        }
        if (!Directory.Exists(root))
        {
            return [];
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', parts[firstWild..]));
        return matcher.GetResultsInFullPath(root).Select(Path.GetFullPath);
    }
}
