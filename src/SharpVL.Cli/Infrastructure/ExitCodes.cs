namespace SharpVL.Cli.Infrastructure;

/// <summary>The CLI's exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    /// <summary>Every input succeeded.</summary>
    public const int Success = 0;

    /// <summary>
    /// Nothing could be done: every input failed, or the run could not start or go on (model failed to load, an output
    /// could not be written, any unexpected error).
    /// </summary>
    public const int Fatal = 1;

    /// <summary>The command line is wrong (unknown option, a value of the wrong type, missing arguments).</summary>
    public const int Usage = 2;

    /// <summary>Some inputs failed and the others have results.</summary>
    public const int SomeFailed = 3;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}

/// <summary>A command-line value that parsed but cannot be used (an empty label, a negative batch size, ...): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
