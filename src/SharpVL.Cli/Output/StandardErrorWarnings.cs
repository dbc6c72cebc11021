using Microsoft.Extensions.Logging;

namespace SharpVL.Cli.Output;

/// <summary>
/// The CLI's load logger: each warning is one <c>warning: ...</c> line on stderr, also under --json/--jsonl/--csv (stdout
/// stays machine-readable), after clearing the progress line so the two do not interleave.
/// </summary>
internal sealed class StandardErrorWarnings(ProgressLine? progress) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            progress?.Clear();
            Console.Error.WriteLine($"warning: {formatter(state, exception)}");
        }
    }
}
