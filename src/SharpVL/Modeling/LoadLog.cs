using Microsoft.Extensions.Logging;

namespace SharpVL.Modeling;

/// <summary>The log messages of model loading, defined once (cached templates, no boxing when the level is off).</summary>
internal static class LoadLog
{
    /// <summary>A load warning (e.g. weights not in the checkpoint, so freshly initialised).</summary>
    public static readonly Action<ILogger, string, Exception?> Warning =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1, "LoadWarning"), "{Message}");
}

/// <summary>
/// Warnings and above to standard error, one line each: the default load logger (as Transformers prints them), and with
/// a prefix and a hook run before each line, the CLI's (<c>warning: ...</c>, after clearing its progress line).
/// </summary>
/// <param name="prefix">Written before each message.</param>
/// <param name="beforeWrite">Run before each line is written, or null.</param>
public sealed class StandardErrorLogger(string prefix = "", Action? beforeWrite = null) : ILogger
{
    /// <summary>The default load logger: the message alone.</summary>
    public static StandardErrorLogger Instance { get; } = new();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            beforeWrite?.Invoke();
            Console.Error.WriteLine(prefix + formatter(state, exception));
        }
    }
}
