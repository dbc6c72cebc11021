using System.Diagnostics;
using System.Globalization;
using SharpVL.Cli.Output;
using SharpVL.Training;

namespace SharpVL.Cli.Commands;

/// <summary>
/// What <c>sharpvl train</c> shows: a progress line per epoch (loss, learning rate, clips/s, ETA) on a terminal, a
/// summary line per epoch and evaluation on stderr, a final summary on stdout; with <c>--json</c>, one JSON line per
/// step and per evaluation and a summary line on stdout instead.
/// </summary>
internal sealed class TrainingReporter(bool json, int epochs)
{
    private readonly ProgressLine _progress = new(!json && Terminal.StderrInteractive);
    private readonly Stopwatch _clock = new();
    private long _maxSteps;
    private long _firstStep = -1;
    private double _lastLoss = double.NaN;

    public void Start(int examples, long maxSteps, TrainingTaskKind kind)
    {
        _maxSteps = maxSteps;
        _clock.Start();
        if (!json)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training {kind.ToString().ToLowerInvariant()} on {examples} videos: {maxSteps} steps over {epochs} epoch{(epochs == 1 ? "" : "s")}"));
        }
    }

    public void Log(TrainingLogRecord record)
    {
        if (record.Type == "train")
        {
            _lastLoss = record["loss"] ?? double.NaN;
        }
        if (json)
        {
            Console.WriteLine(MetricsLog.Format(record.Type, record.Values));
            return;
        }
        var step = (long)(record["step"] ?? 0);
        var epoch = record["epoch"] ?? 0;
        if (record.Type == "eval")
        {
            _progress.Clear();
            var metrics = string.Join(", ", record.Values.Where(p => p.Key.StartsWith("eval_", StringComparison.Ordinal) && p.Key != "eval_samples")
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key[5..]} {Format(p.Value)}")));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {Math.Round(epoch)}/{epochs} (step {step}): train loss {Format(_lastLoss)}; eval {metrics}"));
            return;
        }
        if (_firstStep < 0)
        {
            _firstStep = step - 1;
            _clock.Restart();
        }
        var done = step - _firstStep;
        var perStep = done > 0 ? _clock.Elapsed.TotalSeconds / done : double.NaN;
        var eta = double.IsFinite(perStep) ? TimeSpan.FromSeconds(perStep * (_maxSteps - step)) : TimeSpan.Zero;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {Math.Min(epochs, Math.Floor(epoch - 1e-9) + 1)}/{epochs} step {step}/{_maxSteps}  loss {Format(_lastLoss)}  lr {record["learning_rate"]:0.###e+0}  {Format(record["clips_per_second"])} clips/s  ETA {eta:hh\\:mm\\:ss}");
        if (Terminal.StderrInteractive)
        {
            _progress.Show(text);
        }
        else if (step == _maxSteps || step % Math.Max(1, _maxSteps / 20) == 0)
        {
            Console.Error.WriteLine(text);
        }
    }

    public void Finish(TrainingResult result)
    {
        _progress.Clear();
        var state = result.State;
        if (json)
        {
            var summary = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "summary",
                ["step"] = state.GlobalStep,
                ["epoch"] = Finite(state.Epoch),
                ["max_steps"] = state.MaxSteps,
                ["interrupted"] = result.Interrupted,
                ["stopped_early"] = result.StoppedEarly,
                ["seconds"] = Finite(_clock.Elapsed.TotalSeconds),
                ["final_loss"] = Finite(_lastLoss),
                ["output"] = result.OutputDirectory,
                ["checkpoint"] = result.LastCheckpoint,
            };
            Console.WriteLine(summary.ToJsonString());
            return;
        }
        if (result.Interrupted)
        {
            Console.Error.WriteLine($"interrupted at step {state.GlobalStep}/{state.MaxSteps}; checkpoint saved: resume with --resume {result.LastCheckpoint}");
            return;
        }
        var how = result.StoppedEarly ? "stopped early" : "done";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{how}: {state.GlobalStep} steps in {_clock.Elapsed.TotalSeconds:0.0} s, final loss {Format(_lastLoss)}"));
        if (result.LastEvaluation is { } last)
        {
            Console.WriteLine("eval: " + string.Join(", ", last.Where(p => p.Key != "eval_samples").Select(p => $"{p.Key[5..]} {Format(p.Value)}")));
        }
        Console.WriteLine($"model saved to {result.OutputDirectory} (checkpoint {result.LastCheckpoint})");
    }

    private static System.Text.Json.Nodes.JsonNode? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Format(double? value) => value is double v && double.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
}
