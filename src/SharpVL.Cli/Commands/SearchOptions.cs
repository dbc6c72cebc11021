using System.CommandLine;
using SharpVL.Search;

namespace SharpVL.Cli.Commands;

/// <summary>Options the search commands (index, search, serve) share.</summary>
internal static class SearchOptions
{
    public static Option<string> Db() => new("--db")
    {
        Description = $"Index: a SQLite file (default {VideoIndexStores.DefaultPath}) or postgresql://user:password@host:port/db[?schema=name].",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHARPVL_DB") ?? VideoIndexStores.DefaultPath,
    };

    public static Option<int> TopK() => new("--top-k", "-k") { Description = "Number of results.", DefaultValueFactory = _ => 10 };

    public static Option<bool> Exact() => new("--exact") { Description = "Score every segment even where the store has an approximate index (pgvector HNSW)." };

    public static string FormatTime(double seconds) =>
        TimeSpan.FromSeconds(seconds).ToString(seconds >= 3600 ? @"h\:mm\:ss\.f" : @"m\:ss\.f", System.Globalization.CultureInfo.InvariantCulture);
}
