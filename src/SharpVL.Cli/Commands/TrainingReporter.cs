using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpVL.Cli.Output;
using SharpVL.Training;

namespace SharpVL.Cli.Commands;

/// <summary>
/// What <c>sharpvl train</c> shows: a progress line (epoch, step, loss, learning rate, clips/s, ETA) updated in place
/// on a terminal (every twentieth of the run as lines otherwise), a line per finished epoch and per evaluation on
/// stderr, and a table of the epochs with the output folder on stdout; with <c>--json</c>, one JSON line per step and
/// per evaluation and a summary line on stdout instead.
/// </summary>
internal sealed class TrainingReporter(bool json, int epochs)
{
    private readonly ProgressLine _progress = new(!json && Terminal.StderrInteractive);
    private readonly Stopwatch _clock = new();
    private readonly SortedDictionary<int, EpochRow> _epochs = [];
    private long _maxSteps;
    private long _stepsPerEpoch = 1;
    private long _firstStep = -1;
    private double _lastLoss = double.NaN;

    private sealed class EpochRow
    {
        public double LossSum { get; set; }

        public int Steps { get; set; }

        public long LastStep { get; set; }

        public IReadOnlyDictionary<string, double?>? Eval { get; set; }
    }

    public void Start(int examples, long stepsPerEpoch, TrainingTaskKind kind)
    {
        _stepsPerEpoch = Math.Max(1, stepsPerEpoch);
        _maxSteps = _stepsPerEpoch * epochs;
        _clock.Start();
        if (!json)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training {kind.ToString().ToLowerInvariant()} on {examples} videos: {_maxSteps} steps over {epochs} epoch{(epochs == 1 ? "" : "s")}"));
        }
    }

    public void Log(TrainingLogRecord record)
    {
        var step = (long)(record["step"] ?? 0);
        // Steps 1..n of epoch e (1-based) end at e·n; an evaluation belongs to the epoch its step ends.
        var epoch = (int)((step + _stepsPerEpoch - 1) / _stepsPerEpoch);
        var row = _epochs.TryGetValue(epoch, out var existing) ? existing : _epochs[epoch] = new EpochRow();
        if (record.Type == "eval")
        {
            row.Eval = record.Values;
        }
        else
        {
            _lastLoss = record["loss"] ?? double.NaN;
            row.LossSum += _lastLoss;
            row.Steps++;
            row.LastStep = step;
        }
        if (json)
        {
            Console.WriteLine(MetricsLog.Format(record.Type, record.Values));
            return;
        }
        if (record.Type == "eval")
        {
            _progress.Clear();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs} eval: {Metrics(record.Values)}"));
            return;
        }
        if (_firstStep < 0)
        {
            _firstStep = step - 1;
            _clock.Restart();
        }
        var done = step - _firstStep;
        var eta = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / Math.Max(1, done) * (_maxSteps - step));
        var text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{epochs} step {step}/{_maxSteps}  loss {Format(_lastLoss)}  lr {record["learning_rate"]:0.###e+0}  {Format(record["clips_per_second"])} clips/s  ETA {eta:hh\\:mm\\:ss}");
        if (Terminal.StderrInteractive)
        {
            _progress.Show(text);
        }
        else if (step == _maxSteps || step % Math.Max(1, _maxSteps / 20) == 0)
        {
            Console.Error.WriteLine(text);
        }
        if (step % _stepsPerEpoch == 0)
        {
            _progress.Clear();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{epochs} done: mean train loss {Format(row.LossSum / Math.Max(1, row.Steps))} over {row.Steps} steps"));
        }
    }

    public void Finish(TrainingResult result)
    {
        _progress.Clear();
        var state = result.State;
        if (json)
        {
            var summary = new JsonObject
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
        PrintTable();
        var how = result.StoppedEarly ? "stopped early" : "done";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{how}: {state.GlobalStep} steps in {_clock.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine($"model saved to {result.OutputDirectory} (resumable checkpoint: {result.LastCheckpoint})");
    }

    /// <summary>One row per epoch trained in this run: steps, mean train loss, and the epoch's evaluation.</summary>
    private void PrintTable()
    {
        var evalNames = _epochs.Values.Where(r => r.Eval is not null).SelectMany(r => r.Eval!.Keys)
            .Where(k => k.StartsWith("eval_", StringComparison.Ordinal) && k != "eval_samples").Distinct().ToList();
        var header = new List<string> { "epoch", "steps", "train loss" };
        header.AddRange(evalNames.Select(n => "eval " + n[5..]));
        var rows = _epochs.Where(p => p.Value.Steps > 0 || p.Value.Eval is not null).Select(p =>
        {
            var cells = new List<string>
            {
                p.Key.ToString(CultureInfo.InvariantCulture),
                p.Value.LastStep.ToString(CultureInfo.InvariantCulture),
                Format(p.Value.Steps > 0 ? p.Value.LossSum / p.Value.Steps : null),
            };
            cells.AddRange(evalNames.Select(n => p.Value.Eval is { } e && e.TryGetValue(n, out var v) ? Format(v) : ""));
            return cells;
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToList();
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Metrics(IReadOnlyDictionary<string, double?> values)
        => string.Join(", ", values.Where(p => p.Key.StartsWith("eval_", StringComparison.Ordinal) && p.Key != "eval_samples")
            .Select(p => $"{p.Key[5..]} {Format(p.Value)}"));

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Format(double? value) => value is double v && double.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
}
