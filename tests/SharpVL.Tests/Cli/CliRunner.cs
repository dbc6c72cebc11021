using System.Diagnostics;

namespace SharpVL.Tests.Cli;

/// <summary>What a sharpvl process did.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Everything written to stdout.</param>
/// <param name="Stderr">Everything written to stderr.</param>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Deconstructs into (exit code, stdout, stderr), as the tuple form <see cref="CliRunner.Run"/> gave before.</summary>
    public void Deconstruct(out int exitCode, out string stdout, out string stderr)
    {
        exitCode = ExitCode;
        stdout = Stdout;
        stderr = Stderr;
    }
}

/// <summary>Runs the built sharpvl CLI as a separate process, as a user would.</summary>
internal static class CliRunner
{
    /// <summary>The CLI entry assembly next to the test binaries.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "SharpVL.Cli.dll");

    /// <summary>Runs <c>sharpvl arguments...</c> in the repository root.</summary>
    public static CliResult Run(params string[] arguments) => RunWith(null, null, arguments);

    /// <summary>
    /// Runs <c>sharpvl arguments...</c> in the repository root with <paramref name="stdin"/> on standard input (closed
    /// when null) and <paramref name="environment"/> changes (a null value removes the variable).
    /// </summary>
    public static CliResult RunWith(string? stdin, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(environment, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sharpvl {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The start info for <c>dotnet SharpVL.Cli.dll arguments...</c> (all three streams redirected).</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        start.ArgumentList.Add(CliDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        return start;
    }
}
