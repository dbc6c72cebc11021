using Spectre.Console;

namespace SharpVL.Cli.Output;

/// <summary>
/// Decides how the CLI writes to the console: ANSI styles only on a terminal (never into a redirected stream or file,
/// whatever <c>TERM</c> says), none when <c>NO_COLOR</c> is set (https://no-color.org) or <c>TERM=dumb</c>.
/// </summary>
internal static class Terminal
{
    /// <summary>Whether styled output may go to stdout.</summary>
    public static bool StdoutStyled => Styled(Console.IsOutputRedirected);

    /// <summary>Whether styled output and live progress may go to stderr.</summary>
    public static bool StderrStyled => Styled(Console.IsErrorRedirected);

    /// <summary>Whether stderr is a terminal that shows a live progress line.</summary>
    public static bool StderrInteractive => !Console.IsErrorRedirected;

    /// <summary>Configures Spectre.Console's shared console (used for tables) for stdout.</summary>
    public static void ConfigureStdout()
    {
        AnsiConsole.Console = Create(Console.Out, StdoutStyled);
        if (Console.IsOutputRedirected)
        {
            // Piped output (CI logs, files) should not wrap at an imaginary 80-column terminal.
            AnsiConsole.Profile.Width = 240;
        }
    }

    /// <summary>A Spectre console on stderr with the same rules.</summary>
    public static IAnsiConsole CreateStderr() => Create(Console.Error, StderrStyled);

    private static IAnsiConsole Create(TextWriter writer, bool styled) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = styled ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = styled ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = styled ? InteractionSupport.Detect : InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    });

    private static bool Styled(bool redirected)
        => !redirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
}
