using System.CommandLine;
using SharpVL.Cli.Commands;
using SharpVL.Runtime;

TorchRuntime.EnsureInitialized();
if (Console.IsOutputRedirected)
{
    // Piped output (CI logs, files) should not wrap at an imaginary 80-column terminal.
    Spectre.Console.AnsiConsole.Profile.Width = 240;
}

var root = new RootCommand("sharpvl: Transformers' video, vision and audio-language models (X-CLIP, VideoMAE, AltCLIP, TVLT) on .NET.");
root.Subcommands.Add(ClassifyCommand.Create());
root.Subcommands.Add(ZeroShotCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(ZeroShotImageCommand.Create());
root.Subcommands.Add(SimilarityCommand.Create());
root.Subcommands.Add(AvClassifyCommand.Create());
root.Subcommands.Add(IndexCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(ParityCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SharpVL.Cli.Benchmarking.LoadProbe.Create());
return root.Parse(args).Invoke();
