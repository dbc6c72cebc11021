using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// Turns any exception into the one line the CLI prints: the message without .NET internals (parameter names,
/// exception wrappers, native frame dumps from libtorch), prefixed with what was being done when the message does not
/// already name it. The full exception (with stack trace) is printed only under <c>--verbose</c>.
/// </summary>
internal static partial class ErrorText
{
    private const int MaxLength = 500;

    /// <summary>One line for <paramref name="error"/>; <paramref name="context"/> (a file or model) is prefixed when the message does not mention it.</summary>
    public static string OneLine(Exception error, string? context = null)
    {
        error = Unwrap(error);
        var message = Describe(error);
        message = Whitespace().Replace(message, " ").Trim();
        if (message.Length > MaxLength)
        {
            message = message[..MaxLength] + "…";
        }
        if (context is not null && !message.Contains(context, StringComparison.Ordinal))
        {
            message = $"{context}: {message}";
        }
        return message;
    }

    /// <summary>The exception that says what went wrong, without aggregate/invocation wrappers.</summary>
    public static Exception Unwrap(Exception error)
    {
        while (true)
        {
            switch (error)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    error = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    error = inner;
                    continue;
                case TypeInitializationException { InnerException: { } inner }:
                    error = inner;
                    continue;
                default:
                    return error;
            }
        }
    }

    private static string Describe(Exception error) => error switch
    {
        SharpVLException => error.Message,
        ArgumentException argument => WithoutParameterName(argument),
        // libtorch errors carry a C++ backtrace after the first line.
        ExternalException => "libtorch: " + FirstLine(error.Message),
        OutOfMemoryException => "out of memory: " + FirstLine(error.Message),
        InsufficientExecutionStackException => "input nested too deeply: " + FirstLine(error.Message),
        OverflowException or DivideByZeroException or ArithmeticException =>
            $"invalid numbers in the input ({FirstLine(error.Message).TrimEnd('.')})",
        NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException =>
            $"internal error ({error.GetType().Name}: {FirstLine(error.Message)}); run with --verbose for details",
        _ => error.Message,
    };

    private static string WithoutParameterName(ArgumentException argument)
    {
        var message = argument.Message;
        if (argument.ParamName is { } name)
        {
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        }
        message = ParameterSuffix().Replace(message, "");
        return argument is ArgumentOutOfRangeException { ActualValue: not null } ? ActualValueSuffix().Replace(message, "") : message;
    }

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@" \(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was .*$", RegexOptions.Singleline)]
    private static partial Regex ActualValueSuffix();
}
