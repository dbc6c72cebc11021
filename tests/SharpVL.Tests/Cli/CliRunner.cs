using System.Diagnostics;

namespace SharpVL.Tests.Cli;

/// <summary>Runs the built sharpvl CLI as a separate process, as a user would.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var cliDll = Path.Combine(AppContext.BaseDirectory, "SharpVL.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        start.ArgumentList.Add(cliDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sharpvl {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
