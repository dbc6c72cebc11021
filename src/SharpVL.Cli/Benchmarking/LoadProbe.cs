using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SharpVL.Models.VideoMAE;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// Loads a model in a fresh process and reports time and peak memory, so the figure is not distorted by memory an
/// earlier benchmark freed (the allocator reuses it without growing RSS).
/// </summary>
internal static class LoadProbe
{
    public const string CommandName = "__load-probe";

    public sealed record Result(double Seconds, long BaselineBytes, long PeakBytes);

    /// <summary>The hidden command the child runs.</summary>
    public static Command Create()
    {
        var directory = new Argument<string>("directory");
        var command = new Command(CommandName, "internal: load a VideoMAE classifier and print time and peak RSS as JSON") { directory };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            using (var warm = ones(1))
            {
                _ = warm.sum().item<float>();
            }
            var baseline = Timing.ResidentBytes();
            var watch = Stopwatch.StartNew();
            using var model = VideoMAEForVideoClassification.FromPretrained(parse.GetValue(directory)!, SharpVL.Modeling.ModelLoadOptions.Quiet);
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new Result(seconds, baseline, Timing.PeakResidentBytes())));
            return 0;
        });
        return command;
    }

    public static Result RunInChildProcess(string directory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(LoadProbe).Assembly.Location);
        start.ArgumentList.Add(CommandName);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the load probe");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"load probe failed: {error}");
        }
        return JsonSerializer.Deserialize<Result>(output.Trim()) ?? throw new InvalidDataException("load probe printed nothing");
    }
}
