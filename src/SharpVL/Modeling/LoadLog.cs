using Microsoft.Extensions.Logging;

namespace SharpVL.Modeling;

/// <summary>The log messages of model loading, defined once (cached templates, no boxing when the level is off).</summary>
internal static class LoadLog
{
    /// <summary>A load warning (e.g. weights not in the checkpoint, so freshly initialised).</summary>
    public static readonly Action<ILogger, string, Exception?> Warning =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1, "LoadWarning"), "{Message}");
}

/// <summary>The default load logger: warnings and above to standard error, one line each, as Transformers prints them.</summary>
internal sealed class StandardErrorLogger : ILogger
{
    public static StandardErrorLogger Instance { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine(formatter(state, exception));
        }
    }
}
