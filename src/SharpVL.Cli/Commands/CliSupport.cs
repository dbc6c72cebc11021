using System.CommandLine;
using System.Text.Json;
using SharpVL.Hub;
using SharpVL.Modeling;
using SharpVL.Processing.Video;
using SharpVL.Runtime;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>Options and behaviour every model command shares: model/device/dtype options, download progress, errors, JSON.</summary>
internal static class CliSupport
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Option<string> ModelOption(string description = "Model directory or Hub id (org/name[@revision]).")
        => new("--model", "-m") { Description = description, Required = true };

    public static Option<string?> DeviceOption() => new("--device") { Description = "cpu (default), cuda or cuda:N." };

    public static Option<string?> DTypeOption() => new("--dtype") { Description = "float32 (default), bfloat16 or float16." };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of a table." };

    /// <summary>Load options from the common flags, with download progress drawn on stderr unless JSON is requested.</summary>
    public static ModelLoadOptions LoadOptions(string? device, string? dtype, bool quiet) => new()
    {
        Device = device,
        DType = dtype is null ? null : TorchRuntime.ParseDType(dtype),
        Log = quiet ? _ => { }
        : message => Console.Error.WriteLine($"warning: {message}"),
        Progress = quiet ? null : new DownloadReporter(),
    };

    /// <summary>Runs <paramref name="body"/>, turning expected failures into one clear line on stderr and exit code 1.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex) when (ex is SharpVLException or IOException or InvalidDataException or ArgumentException or HubException
            or NotSupportedException or InvalidOperationException or FfmpegNotFoundException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Prints a bold heading line above a table (rather than a table title, which Spectre wraps to the table's width).
    /// </summary>
    public static void Heading(string text) => AnsiConsole.MarkupLine($"[bold]{Markup.Escape(text)}[/]");

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr (skipped for JSON output or redirected stderr).</summary>
    public static T WithStatus<T>(string message, bool quiet, Func<T> work)
    {
        if (quiet || Console.IsErrorRedirected)
        {
            return work();
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Status().Start(message, _ => work());
    }

    /// <summary>Prints Hub download progress on stderr, one line per file (throttled by the Hub client).</summary>
    private sealed class DownloadReporter : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            var total = value.TotalBytes is long t && t > 0 ? $"{value.BytesDownloaded * 100.0 / t,5:0.0}% of {t / 1048576.0:0.0} MiB" : $"{value.BytesDownloaded / 1048576.0:0.0} MiB";
            var end = value.IsCompleted ? Environment.NewLine : "\r";
            Console.Error.Write($"downloading {value.FileName}: {total}{end}");
        }
    }
}
