using System.CommandLine;
using System.Text.Json;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Output;
using SharpVL.Hub;
using SharpVL.Modeling;
using SharpVL.Runtime;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>Options and behaviour every model command shares: model/device/dtype options, loading with progress, errors, JSON.</summary>
internal static class CliSupport
{
    /// <summary>Indented snake_case JSON, readable non-ASCII text (for the commands that print one document).</summary>
    public static JsonSerializerOptions Json => JsonValues.Indented;

    /// <summary><c>--json</c> for the commands that print one document (bench, similarity, embed).</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of a table." };

    /// <summary>Load options from the common flags: load warnings always go to stderr (also under --json); download progress too.</summary>
    public static ModelLoadOptions LoadOptions(string? device, string? dtype, ProgressLine? progress = null) => new()
    {
        Device = device,
        DType = dtype is null ? null : TorchRuntime.ParseDType(dtype),
        Logger = new StandardErrorLogger("warning: ", progress is null ? null : progress.Clear),
        Progress = new DownloadReporter(),
    };

    /// <summary>
    /// Loads a model under a spinner (interactive table output only); any failure becomes an error that names the model.
    /// </summary>
    public static T LoadModel<T>(CommandRun? run, string model, Func<T> load)
    {
        try
        {
            return WithStatus($"Loading {model}", run?.MachineReadable ?? true, load);
        }
        catch (Exception e) when (e is not OperationCanceledException and not SharpVLException)
        {
            throw new SharpVLException(ErrorText.OneLine(e, $"model {model}"), model, e);
        }
    }

    /// <summary>
    /// Runs a command that is not per-input (bench, similarity, embed, models, download): any exception becomes one
    /// line on stderr (details under --verbose) and exit code 1; a <see cref="UsageException"/> exit code 2.
    /// </summary>
    public static int Guard(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            return CommandRun.Usage(parse, e.Message);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {ErrorText.OneLine(e)}");
            if (parse.GetValue(GlobalOptions.Verbose))
            {
                Console.Error.WriteLine(e.ToString());
            }
            return ExitCodes.Fatal;
        }
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr (skipped for machine-readable output or a non-terminal stderr).</summary>
    public static T WithStatus<T>(string message, bool quiet, Func<T> work)
    {
        if (quiet || !Terminal.StderrStyled)
        {
            return work();
        }
        return Terminal.CreateStderr().Status().Start(Markup.Escape(message), _ => work());
    }

    /// <summary>
    /// Prints Hub download progress on stderr: a line updated in place on a terminal, one line per finished file
    /// otherwise (throttled by the Hub client).
    /// </summary>
    internal sealed class DownloadReporter : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (!value.IsCompleted && !Terminal.StderrInteractive)
            {
                return;
            }
            var total = value.TotalBytes is long t && t > 0
                ? $"{value.BytesDownloaded * 100.0 / t,5:0.0}% of {t / 1048576.0:0.0} MiB"
                : $"{value.BytesDownloaded / 1048576.0:0.0} MiB";
            var end = value.IsCompleted ? Environment.NewLine : "\r";
            Console.Error.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"downloading {value.FileName}: {total}{end}"));
        }
    }
}
