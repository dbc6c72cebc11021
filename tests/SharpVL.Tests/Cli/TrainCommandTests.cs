using System.Diagnostics;
using System.Text.Json;
using SharpVL.Models.VideoMAE;
using SharpVL.Tests.Training;

namespace SharpVL.Tests.Cli;

/// <summary><c>sharpvl train</c> run as a process on a folder built from the fixture media.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly TrainingWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string[] Train(string output, params string[] extra) =>
    [
        "train", _workspace.Data, "--model", TrainingWorkspace.VideoMAE, "--output", output,
        "--epochs", "2", "--batch-size", "2", "--lr", "1e-3", "--seed", "3", "--json", .. extra,
    ];

    private static string[] With(string[] arguments, int index, string value)
    {
        var copy = (string[])arguments.Clone();
        copy[index] = value;
        return copy;
    }

    private static List<JsonElement> Lines(string stdout)
        => [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static List<double> Losses(IEnumerable<JsonElement> lines, int fromStep)
        => [.. lines.Where(l => l.GetProperty("type").GetString() == "train" && l.GetProperty("step").GetInt32() >= fromStep).Select(l => l.GetProperty("loss").GetDouble())];

    [Fact]
    public void FineTunesTheTinyVideoMAEAndResumesOnTheSameLossCurve()
    {
        var output = _workspace.Output("run");
        var (code, stdout, stderr) = CliRunner.Run(Train(output, "--eval", _workspace.Data, "--save-steps", "2"));
        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        Assert.Equal(4, lines.Count(l => l.GetProperty("type").GetString() == "train"));
        var evals = lines.Where(l => l.GetProperty("type").GetString() == "eval").ToList();
        Assert.Equal(2, evals.Count);
        Assert.InRange(evals[^1].GetProperty("eval_accuracy").GetDouble(), 0, 1);
        var summary = lines[^1];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.Equal(4, summary.GetProperty("step").GetInt32());

        // The saved folder is a model with the new labels and the processor it came with.
        using (var reloaded = VideoMAEForVideoClassification.FromPretrained(output, TrainingWorkspace.Quiet))
        {
            Assert.Equal(new Dictionary<int, string> { [0] = "cooking", [1] = "music" }, reloaded.Config.Id2Label);
        }
        Assert.True(File.Exists(Path.Combine(output, "preprocessor_config.json")));
        var (classifyCode, classified, classifyErrors) = CliRunner.Run("classify", CliWorkspace.Clip, "--model", output, "--json");
        Assert.True(classifyCode == 0, classifyErrors);
        Assert.Contains("\"cooking\"", classified);

        // Resuming from the step-2 checkpoint gives steps 3 and 4 with exactly the uninterrupted losses.
        var resumedOutput = _workspace.Output("resumed");
        var (resumeCode, resumed, resumeErrors) = CliRunner.Run(Train(resumedOutput, "--eval", _workspace.Data, "--resume", Path.Combine(output, "checkpoint-2")));
        Assert.True(resumeCode == 0, resumeErrors);
        var resumedLines = Lines(resumed);
        Assert.Equal(3, resumedLines.First(l => l.GetProperty("type").GetString() == "train").GetProperty("step").GetInt32());
        Assert.Equal(Losses(lines, 3), Losses(resumedLines, 3));
    }

    [Fact]
    public void ContrastivePairsTrainXClipAndReportRetrievalRecall()
    {
        var pairs = _workspace.Output("pairs.jsonl");
        File.WriteAllLines(pairs,
        [
            "{\"path\": \"data/cooking/a.mp4\", \"text\": \"a person cooking\"}",
            "{\"path\": \"data/cooking/b.mp4\", \"text\": \"someone cooks pasta\"}",
            "{\"path\": \"data/music/a.mp4\", \"text\": \"a band playing music\"}",
            "{\"path\": \"data/music/b.mp4\", \"text\": \"music on a stage\"}",
        ]);
        var output = _workspace.Output("xclip");
        var (code, stdout, stderr) = CliRunner.Run(
            "train", pairs, "--model", TestPaths.Fixture("models/xclip-tiny"), "--output", output, "--eval", pairs, "--epochs", "1", "--batch-size", "2", "--json");
        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        Assert.Equal(2, lines.Count(l => l.GetProperty("type").GetString() == "train"));
        var eval = lines.Single(l => l.GetProperty("type").GetString() == "eval");
        foreach (var key in new[] { "eval_video_to_text_recall@1", "eval_text_to_video_recall@1", "eval_video_to_text_recall@5" })
        {
            Assert.InRange(eval.GetProperty(key).GetDouble(), 0, 1);
        }
        // Four captions: every caption is among the top five.
        Assert.Equal(1.0, eval.GetProperty("eval_text_to_video_recall@5").GetDouble());
        // The tokenizer files travel with the model, so the folder works as an X-CLIP model directory.
        Assert.True(File.Exists(Path.Combine(output, "vocab.json")));
        using var model = SharpVL.Models.XCLIP.XCLIPModel.FromPretrained(output, TrainingWorkspace.Quiet);
        Assert.Empty(model.LoadReport!.MissingKeys);
    }

    [Fact]
    public void BadInputIsRefusedBeforeTrainingStarts()
    {
        var empty = Directory.CreateDirectory(_workspace.Output("empty")).FullName;
        var (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o1")), 1, empty));
        Assert.Equal(1, code);
        Assert.Contains("the dataset is empty", stderr);

        var oneClass = _workspace.Output("one.csv");
        File.WriteAllLines(oneClass, ["path,label", "data/cooking/a.mp4,cooking", "data/cooking/b.mp4,cooking"]);
        (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o2")), 1, oneClass));
        Assert.Equal(1, code);
        Assert.Contains("only one class", stderr);

        var noLabel = _workspace.Output("nolabel.csv");
        File.WriteAllLines(noLabel, ["path,caption", "data/cooking/a.mp4,x"]);
        (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o3")), 1, noLabel));
        Assert.Equal(1, code);
        Assert.Contains("no 'label' or 'text' column", stderr);

        // A model family SharpVL cannot train, and pre-training asked of a contrastive model.
        var bert = Directory.CreateDirectory(_workspace.Output("bert")).FullName;
        File.WriteAllText(Path.Combine(bert, "config.json"), "{\"model_type\": \"bert\", \"architectures\": [\"BertForSequenceClassification\"]}");
        (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o4")), 3, bert));
        Assert.Equal(1, code);
        Assert.Contains("BertForSequenceClassification cannot be trained by SharpVL", stderr);
        (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o4"), "--mask-ratio", "0.9"), 3, TestPaths.Fixture("models/xclip-tiny")));
        Assert.Equal(1, code);
        Assert.Contains("--mask-ratio is for VideoMAE", stderr);

        // TVLT learns from the soundtrack too: the silent clips are listed.
        (code, _, stderr) = CliRunner.Run(With(Train(_workspace.Output("o4")), 3, TestPaths.Fixture("models/tvlt-tiny-avclassification")));
        Assert.Equal(1, code);
        Assert.Contains("2 unreadable videos", stderr);
        Assert.Contains("no audio stream", stderr);

        // An output folder holding another model is never written to.
        var taken = Directory.CreateDirectory(_workspace.Output("taken")).FullName;
        File.Copy(Path.Combine(TrainingWorkspace.VideoMAE, "config.json"), Path.Combine(taken, "config.json"));
        (code, _, stderr) = CliRunner.Run(Train(taken));
        Assert.Equal(1, code);
        Assert.Contains("already holds a different model", stderr);
        Assert.Equal(["config.json"], Directory.GetFiles(taken).Select(Path.GetFileName));

        // An unreadable video is listed; --skip-bad trains without it.
        File.WriteAllText(Path.Combine(_workspace.Data, "music", "broken.mp4"), "not a video");
        (code, var stdout, stderr) = CliRunner.Run(Train(_workspace.Output("o5")));
        Assert.Equal(1, code);
        Assert.Contains("1 unreadable video", stderr);
        Assert.Contains("broken.mp4", stderr);
        Assert.Empty(stdout);
        Assert.False(Directory.Exists(_workspace.Output("o5")));
        // Without --json: epoch lines on stderr, a table of the epochs and the output folder on stdout.
        var skipped = Train(_workspace.Output("o6"), "--skip-bad").Where(a => a != "--json").ToArray();
        (code, stdout, stderr) = CliRunner.Run(With(skipped, 7, "1"));
        Assert.True(code == 0, stderr);
        Assert.Contains("skipping", stderr);
        Assert.Contains("broken.mp4", stderr);
        Assert.Contains("epoch 1/1 done: mean train loss", stderr);
        Assert.StartsWith("epoch  steps  train loss", stdout);
        Assert.Contains("model saved to " + _workspace.Output("o6"), stdout);

        (code, _, stderr) = CliRunner.Run(Train(_workspace.Output("o7"), "--lr", "-1"));
        Assert.Equal(2, code);
        Assert.Contains("--lr", stderr);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task CtrlCSavesAResumableCheckpoint()
    {
        var output = _workspace.Output("interrupted");
        var start = CliRunner.StartInfo(null, With(With(Train(output), 7, "30"), 9, "1"));
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        // Interrupt once two steps are logged.
        var seen = 0;
        while (await process.StandardOutput.ReadLineAsync() is string line)
        {
            if (line.Contains("\"type\":\"train\"", StringComparison.Ordinal) && ++seen == 2)
            {
                Interrupt.CtrlC(process.Id);
            }
            if (line.Contains("\"type\":\"summary\"", StringComparison.Ordinal))
            {
                var summary = JsonDocument.Parse(line).RootElement;
                Assert.True(summary.GetProperty("interrupted").GetBoolean());
                var step = summary.GetProperty("step").GetInt32();
                Assert.InRange(step, 2, 119);
                Assert.EndsWith($"checkpoint-{step}", summary.GetProperty("checkpoint").GetString());
            }
        }
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.True(process.ExitCode == 130, await stderr);
        var checkpoint = Directory.GetDirectories(output, "checkpoint-*").Single();
        Assert.True(SharpVL.Training.TrainingCheckpoint.IsCheckpoint(checkpoint));
    }
}
