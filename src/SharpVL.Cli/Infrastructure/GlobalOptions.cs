using System.CommandLine;

namespace SharpVL.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    /// <summary><c>--verbose</c>: errors with their full details (exception type, stack trace, inner errors).</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show full error details (exception types and stack traces).",
        Recursive = true,
    };
}
