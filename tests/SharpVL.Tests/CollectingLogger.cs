using Microsoft.Extensions.Logging;

namespace SharpVL.Tests;

/// <summary>An <see cref="ILogger"/> that keeps each message, for tests that assert what a load warned about.</summary>
internal sealed class CollectingLogger(List<string> messages) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => messages.Add(formatter(state, exception));
}
