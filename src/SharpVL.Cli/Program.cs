using System.CommandLine;
using SharpVL.Cli.Commands;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Output;
using SharpVL.Runtime;

Terminal.ConfigureStdout();
try
{
    TorchRuntime.EnsureInitialized();
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: cannot load libtorch: {ErrorText.OneLine(e)}");
    return ExitCodes.Fatal;
}

// A plain command named "sharpvl" rather than RootCommand, whose name is the executable's (SharpVL.Cli under dotnet),
// so help and errors say "sharpvl" however the tool is started.
var root = new Command("sharpvl", "sharpvl: Transformers' video, vision and audio-language models (X-CLIP, VideoMAE, AltCLIP, TVLT) on .NET.")
{
    new System.CommandLine.Help.HelpOption(),
    new VersionOption(),
    GlobalOptions.Verbose,
    GlobalOptions.Fp32Kernel,
    GlobalOptions.AttentionKernel,
};
root.Subcommands.Add(ClassifyCommand.Create());
root.Subcommands.Add(ZeroShotCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(ZeroShotImageCommand.Create());
root.Subcommands.Add(SimilarityCommand.Create());
root.Subcommands.Add(AvClassifyCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(IndexCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(DownloadCommand.Create());
root.Subcommands.Add(ParityCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SharpVL.Cli.Benchmarking.LoadProbe.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
{
    return CommandRun.Usage(parse, UsageErrors.Describe(parse));
}
// Ctrl+C / SIGTERM cancel the command's token: a per-input run stops, prints its summary and exits with 130, and the
// library kills its ffmpeg children as the process exits. A second Ctrl+C quits at once (exit handlers still run).
using var interrupt = new CancellationTokenSource();
void Interrupt(System.Runtime.InteropServices.PosixSignalContext context)
{
    if (interrupt.IsCancellationRequested)
    {
        Environment.Exit(ExitCodes.Cancelled);
    }
    context.Cancel = true;
    interrupt.Cancel();
}
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Interrupt);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Interrupt);
try
{
    // The exception handler is ours (one line, details under --verbose), so no stack trace ever reaches the user.
    if (parse.GetValue(GlobalOptions.Fp32Kernel) is string kernel)
    {
        SharpVL.Runtime.Kernels.Fp32Kernels.Force(SharpVL.Runtime.Kernels.Fp32Kernels.Parse(kernel));
    }
    if (parse.GetValue(GlobalOptions.AttentionKernel) is string attention)
    {
        SharpVL.Runtime.Kernels.AttentionBackends.Force(SharpVL.Runtime.Kernels.AttentionBackends.Parse(attention));
    }
    // A bad SHARPVL_FP32_KERNEL / SHARPVL_ATTENTION_KERNEL / SHARPVL_VIDEO_DECODER is a start-up error, not one charged
    // to the first input.
    _ = SharpVL.Runtime.Kernels.Fp32Kernels.Override;
    _ = SharpVL.Runtime.Kernels.AttentionBackends.Override;
    _ = SharpVL.Processing.Video.VideoReader.DecoderFromEnvironment;
    var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
    return await parse.InvokeAsync(configuration, interrupt.Token).ConfigureAwait(false);
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
