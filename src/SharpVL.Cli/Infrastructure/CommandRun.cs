using System.CommandLine;
using SharpVL.Cli.Output;
using SharpVL.Cli.Reporting;

namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// One invocation of a per-input command: writes each input's record as it finishes (stdout in the chosen format, an
/// error line on stderr for a failed input, the HTML report when asked), keeps the counts, and closes the run with a
/// summary and the exit code (<see cref="ExitCodes"/>).
/// </summary>
internal sealed class CommandRun
{
    private readonly IResultWriter _writer;
    private readonly HtmlReportBuilder? _report;
    private readonly string? _reportPath;

    private CommandRun(OutputFormat format, bool verbose, string? reportPath, string title, CancellationToken cancellation)
    {
        Format = format;
        Verbose = verbose;
        Cancellation = cancellation;
        _writer = format switch
        {
            OutputFormat.Json => new JsonDocumentWriter(Console.Out),
            OutputFormat.Jsonl => new JsonLinesWriter(Console.Out),
            OutputFormat.Csv => new CsvWriter(Console.Out),
            _ => new TableWriter(),
        };
        _reportPath = reportPath;
        _report = reportPath is null ? null : new HtmlReportBuilder(title);
        Progress = new ProgressLine(Terminal.StderrInteractive);
    }

    /// <summary>The output format.</summary>
    public OutputFormat Format { get; }

    /// <summary>Whether errors are shown with their details.</summary>
    public bool Verbose { get; }

    /// <summary>True for machine-readable output (no spinners on stderr).</summary>
    public bool MachineReadable => Format != OutputFormat.Table;

    /// <summary>Signalled on Ctrl+C.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The live progress line on stderr.</summary>
    public ProgressLine Progress { get; }

    /// <summary>Whether an HTML report is being built (commands then keep the frames for its thumbnails).</summary>
    public bool WantsReport => _report is not null;

    /// <summary>Inputs finished so far.</summary>
    public int Done => Succeeded + Failed;

    /// <summary>Files the command wrote (listed in the summary).</summary>
    public List<string> OutputFiles { get; } = [];

    /// <summary>Inputs with a result.</summary>
    public int Succeeded { get; private set; }

    /// <summary>Inputs with an error record.</summary>
    public int Failed { get; private set; }

    /// <summary>
    /// Runs a per-input command: <paramref name="body"/> gets the run and emits records; any exception it throws ends
    /// the run with one error line (details under --verbose) and the matching exit code.
    /// </summary>
    public static async Task<int> ExecuteAsync(
        ParseResult parse, OutputOptions output, string title, CancellationToken cancellation, Func<CommandRun, Task> body)
    {
        CommandRun run;
        try
        {
            run = new CommandRun(output.Format(parse), parse.GetValue(GlobalOptions.Verbose), parse.GetValue(output.Report), title, cancellation);
        }
        catch (UsageException e)
        {
            return Usage(parse, e.Message);
        }
        try
        {
            await body(run).ConfigureAwait(false);
            return run.Finish(null);
        }
        catch (UsageException e)
        {
            return Usage(parse, e.Message);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            run.Finish("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            run.Finish(run.ReportError(e, null));
            return ExitCodes.Fatal;
        }
    }

    /// <summary>Prints a usage error (one line and a hint) and returns exit code 2.</summary>
    public static int Usage(ParseResult parse, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine($"hint: run '{CommandPath(parse)} --help' for the options.");
        return ExitCodes.Usage;
    }

    /// <summary>The invoked command as the user types it, e.g. <c>sharpvl classify</c>.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }
        return string.Join(' ', names);
    }

    /// <summary>Writes one input's record (and its error or warnings on stderr); <paramref name="frames"/> feeds the report's thumbnails.</summary>
    public void Emit(InputRecord record, Func<IReadOnlyList<Processing.Images.RgbImage>>? frames = null)
    {
        Progress.Clear();
        if (record.Succeeded)
        {
            Succeeded++;
        }
        else
        {
            Failed++;
            Console.Error.WriteLine($"error: {record.Error}");
        }
        _writer.Write(record);
        foreach (var warning in record.Warnings)
        {
            Console.Error.WriteLine($"warning: {record.Input}: {warning}");
        }
        _report?.Add(record, frames);
    }

    /// <summary>An error record for <paramref name="input"/> from <paramref name="error"/> (details on stderr under --verbose).</summary>
    public InputRecord FailedRecord(string input, Exception error)
    {
        Cancellation.ThrowIfCancellationRequested();
        return InputRecord.Failed(input, ReportError(error, input, print: false));
    }

    /// <summary>Prints a warning line on stderr.</summary>
    public void Warn(string message)
    {
        Progress.Clear();
        Console.Error.WriteLine($"warning: {message}");
    }

    /// <summary>The one-line text of <paramref name="error"/>; printed as <c>error: ...</c> unless <paramref name="print"/> is false; full details under --verbose.</summary>
    public string ReportError(Exception error, string? context, bool print = true)
    {
        Progress.Clear();
        var line = ErrorText.OneLine(error, context);
        if (print)
        {
            Console.Error.WriteLine($"error: {line}");
        }
        if (Verbose)
        {
            Console.Error.WriteLine(error.ToString());
        }
        return line;
    }

    private int Finish(string? fatalError)
    {
        Progress.Clear();
        var inputs = Succeeded + Failed;
        _writer.Complete(new RunSummary(inputs, Succeeded, Failed, fatalError, OutputFiles));
        if (_report is not null && _reportPath is not null)
        {
            using (_report)
            {
                try
                {
                    _report.Save(_reportPath);
                    Console.Error.WriteLine($"report: {_reportPath}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: {_reportPath}: cannot write the report: {e.Message}");
                    return ExitCodes.Fatal;
                }
            }
        }
        if (Format is OutputFormat.Jsonl or OutputFormat.Csv)
        {
            foreach (var file in OutputFiles)
            {
                Console.Error.WriteLine($"wrote {file}");
            }
        }
        if (inputs > 1 || Failed > 0)
        {
            Console.Error.WriteLine($"{inputs} input{(inputs == 1 ? "" : "s")}: {Succeeded} succeeded, {Failed} failed");
        }
        return fatalError is not null || (Failed > 0 && Succeeded == 0) ? ExitCodes.Fatal
            : Failed > 0 ? ExitCodes.SomeFailed
            : ExitCodes.Success;
    }
}
