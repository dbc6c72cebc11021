namespace SharpVL.Tests.Cli;

/// <summary>Styled output only on a terminal: no ANSI escapes in files or pipes, none under NO_COLOR.</summary>
public sealed class CliOutputHygieneTests
{
    private static readonly string[] Classify = ["classify", CliWorkspace.Clip, "--model", CliWorkspace.VideoMAE, "--top-k", "1"];

    [Fact]
    public void RedirectedOutputHasNoEscapeCodesWhateverTermSays()
    {
        var (exit, stdout, stderr) = CliRunner.RunWith(null, new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = null }, Classify);
        Assert.Equal(0, exit);
        Assert.Contains("eating spaghetti", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u001b', stderr);
    }

    /// <summary>Runs the CLI on a pseudo-terminal (util-linux <c>script</c>), where styles are allowed unless NO_COLOR is set.</summary>
    private static string OnTerminal(string? noColor)
    {
        var command = string.Join(' ', new[] { "dotnet", CliRunner.CliDll }.Concat(Classify).Select(a => "'" + a + "'"));
        var (_, stdout, _) = RunScript(command, noColor);
        return stdout;
    }

    private static (int, string, string) RunScript(string command, string? noColor)
    {
        var start = new System.Diagnostics.ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        foreach (var argument in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TERM"] = "xterm-256color";
        if (noColor is null)
        {
            start.Environment.Remove("NO_COLOR");
        }
        else
        {
            start.Environment["NO_COLOR"] = noColor;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void ATerminalGetsStylesAndNoColorTurnsThemOff()
    {
        // Styles are SGR sequences (ESC [ ... m); the .NET runtime itself may switch the terminal's keypad mode (ESC [?1h).
        var sgr = new System.Text.RegularExpressions.Regex("\u001b\\[[0-9;]*m");
        var styled = OnTerminal(null);
        Assert.Contains("eating spaghetti", styled, StringComparison.Ordinal);
        Assert.Matches(sgr, styled);

        var plain = OnTerminal("1");
        Assert.Contains("eating spaghetti", plain, StringComparison.Ordinal);
        Assert.DoesNotMatch(sgr, plain);
    }
}
