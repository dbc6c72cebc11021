using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>Many inputs in one run: every input form, streamed per-input output, error records, summary and exit codes.</summary>
public sealed class CliBatchTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static List<JsonElement> JsonLines(string stdout)
        => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    [Fact]
    public void FolderListFileAndStdinInputsAreAllClassified()
    {
        var a = _workspace.Copy(CliWorkspace.Clip, "clips/a.mp4");
        var b = _workspace.Copy(CliWorkspace.ClipWithAudio, "clips/sub/b.mp4");
        var c = _workspace.Copy(CliWorkspace.Clip, "more/c.mp4");
        var d = _workspace.Copy(CliWorkspace.Clip, "more/d.mp4");
        var list = _workspace.Text("list.txt", c + "\n");
        var (exit, stdout, stderr) = CliRunner.RunWith(
            d + "\n", null, "classify", Path.Combine(_workspace.Root, "clips"), "@" + list, "-", "--model", CliWorkspace.VideoMAE, "--jsonl", "--top-k", "1");
        Assert.True(exit == 0, stderr);
        var records = JsonLines(stdout);
        Assert.Equal(new[] { a, b, c, d }, records.Select(r => r.GetProperty("input").GetString()));
        Assert.All(records, r => Assert.Equal("eating spaghetti", r.GetProperty("labels")[0].GetProperty("label").GetString()));
        Assert.Equal(new[] { 6, 18, 30, 42 }, records[0].GetProperty("frame_indices").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains("4 inputs: 4 succeeded, 0 failed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OneBadInputIsAnErrorRecordAndTheOthersStillGetResults()
    {
        var good = _workspace.Copy(CliWorkspace.Clip, "good.mp4");
        var corrupt = _workspace.Garbage("corrupt.mp4");
        var image = _workspace.Png("poster.png");
        var missing = Path.Combine(_workspace.Root, "missing.mp4");
        var good2 = _workspace.Copy(CliWorkspace.Clip, "good2.mp4");
        // One batch holds the good clips and the corrupt one: the batch fails and is retried input by input.
        var (exit, stdout, stderr) = CliRunner.Run(
            "classify", good, corrupt, image, missing, good2, "--model", CliWorkspace.VideoMAE, "--jsonl", "--batch-size", "4");
        Assert.Equal(3, exit);
        var records = JsonLines(stdout).ToDictionary(r => r.GetProperty("input").GetString()!);
        Assert.Equal(5, records.Count);
        foreach (var ok in new[] { good, good2 })
        {
            Assert.False(records[ok].TryGetProperty("error", out _));
            Assert.Equal(5, records[ok].GetProperty("labels").GetArrayLength());
        }
        foreach (var bad in new[] { corrupt, image, missing })
        {
            var error = records[bad].GetProperty("error").GetString()!;
            Assert.Contains(bad, error, StringComparison.Ordinal);
            Assert.Contains($"error: {error}", stderr, StringComparison.Ordinal);
        }
        Assert.Contains("use 'sharpvl zero-shot-image' for images", records[image].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("5 inputs: 2 succeeded, 3 failed", stderr.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroShotOverAFolderDecodesAheadAndABadClipInALaterBatchLosesOnlyItself()
    {
        // Batches of 2: [a, b], [corrupt, c], [d]. The corrupt clip fails while the first batch runs; its batch is retried
        // clip by clip and a new decode-ahead stream takes over for the last batch.
        var inputs = new[] { "a.mp4", "b.mp4", "corrupt.mp4", "c.mp4", "d.mp4" }
            .Select(name => name == "corrupt.mp4" ? _workspace.Garbage("clips/" + name) : _workspace.Copy(CliWorkspace.Clip, "clips/" + name)).ToArray();
        var (exit, stdout, stderr) = CliRunner.Run(
            ["zero-shot", .. inputs, "--labels", "cooking", "--labels", "dancing", "--model", TestPaths.Fixture("models/xclip-tiny"), "--jsonl", "--batch-size", "2"]);
        Assert.Equal(3, exit);
        var records = JsonLines(stdout);
        Assert.Equal(inputs, records.Select(r => r.GetProperty("input").GetString()));
        Assert.Contains(inputs[2], records[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        // The same clip everywhere: every batch, before and after the restart, scores it the same (up to float32
        // summation order, which the GEMM kernel may block by batch size).
        var scores = records.Where((_, i) => i != 2)
            .Select(r => r.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble()))
            .ToList();
        Assert.All(scores, s => Assert.Equal(["cooking", "dancing"], s.Keys.Order()));
        Assert.All(scores.Skip(1), s => Assert.All(s, pair => Assert.Equal(scores[0][pair.Key], pair.Value, 1e-6)));
        Assert.Contains("5 inputs: 4 succeeded, 1 failed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVideoWorkerAndFfmpegPerFileGiveTheSameRecords()
    {
        var inputs = new[]
        {
            _workspace.Copy(CliWorkspace.Clip, "clips/a.mp4"),
            _workspace.Garbage("clips/corrupt.mp4"),
            _workspace.Copy(SharpVL.Tests.Processing.Video.DamagedVideoTests.PathOf("damaged.mp4"), "clips/damaged.mp4"),
        };
        string Records(string decoder)
        {
            var (exit, stdout, stderr) = CliRunner.RunWith(null, new Dictionary<string, string?> { ["SHARPVL_VIDEO_DECODER"] = decoder },
                ["classify", .. inputs, "--model", CliWorkspace.VideoMAE, "--jsonl", "--batch-size", "2"]);
            Assert.True(exit == 3, stderr);
            return stdout;
        }

        var worker = Records("worker");

        Assert.Equal(Records("ffmpeg"), worker);
        var records = JsonLines(worker);
        Assert.Contains("damaged video stream: 7 decode errors, 1 rejected packet, 1 damaged frame", records[2].GetProperty("warnings")[0].GetString());
        Assert.True(records[1].TryGetProperty("error", out _));
    }

    [Fact]
    public void JsonIsOneDocumentWithResultsErrorsAndSummary()
    {
        var missing = Path.Combine(_workspace.Root, "missing.mp4");
        var (exit, stdout, _) = CliRunner.Run(
            "classify", CliWorkspace.Clip, missing, "--model", CliWorkspace.VideoMAE, "--frame-indices", "4,16,28,40", "--json");
        Assert.Equal(3, exit);
        using var document = JsonDocument.Parse(stdout);
        var results = document.RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        var classified = results.EnumerateArray().Single(r => r.GetProperty("input").GetString() == CliWorkspace.Clip);
        Assert.Equal(0.5638, classified.GetProperty("labels")[0].GetProperty("score").GetDouble(), 4);
        Assert.Equal($"{missing}: no such file or folder", results.EnumerateArray().Single(r => r.TryGetProperty("error", out _)).GetProperty("error").GetString());
        var summary = document.RootElement.GetProperty("summary");
        Assert.Equal((2, 1, 1), (summary.GetProperty("inputs").GetInt32(), summary.GetProperty("succeeded").GetInt32(), summary.GetProperty("failed").GetInt32()));
    }

    [Fact]
    public void CsvHasOneRowPerLabelAndOneErrorRowQuotedAsRfc4180()
    {
        var odd = _workspace.Copy(CliWorkspace.Clip, "with, comma \"quoted\".mp4");
        var missing = Path.Combine(_workspace.Root, "missing.mp4");
        var (exit, stdout, _) = CliRunner.Run("classify", odd, missing, "--model", CliWorkspace.VideoMAE, "--csv", "--top-k", "2");
        Assert.Equal(3, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var quoted = "\"" + odd.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Equal("input,frame_indices,rank,label,index,score,logit,error", lines[0]);
        Assert.StartsWith($"{missing},,,,,,,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{quoted},6 18 30 42,1,eating spaghetti,0,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",,", lines[2], StringComparison.Ordinal);
        // Transformers' score; the float32 kernel in use (libtorch, oneDNN, dnnl_sgemm) changes only the last digits.
        var score = double.Parse(lines[2][..^2].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0.57816046, score, 1e-5);
        Assert.StartsWith($"{quoted},6 18 30 42,2,riding a bike,2,", lines[3], StringComparison.Ordinal);
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void EveryInputFailingIsExitCode1AndTopKZeroMeansAllLabels()
    {
        var failed = CliRunner.Run("classify", Path.Combine(_workspace.Root, "nothing.mp4"), "--model", CliWorkspace.VideoMAE);
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal($"error: {Path.Combine(_workspace.Root, "nothing.mp4")}: no such file or folder", failed.Stderr.Split('\n')[0]);

        var all = CliRunner.Run("classify", CliWorkspace.Clip, "--model", CliWorkspace.VideoMAE, "--jsonl", "--top-k", "0");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(5, JsonLines(all.Stdout)[0].GetProperty("labels").GetArrayLength());
    }

    [Fact]
    public void AvClassifyTakesManyInputsWithABatchSize()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "av-classify", CliWorkspace.ClipWithAudio, CliWorkspace.Clip, _workspace.Copy(CliWorkspace.ClipWithAudio, "again.mp4"),
            "--model", TestPaths.Fixture("models/tvlt-tiny-avclassification"), "--jsonl", "--batch-size", "2", "--top-k", "0");
        Assert.Equal(3, exit);
        var records = JsonLines(stdout);
        Assert.Equal(3, records.Count);
        Assert.Contains("has no audio stream", records[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, records[0].GetProperty("labels").GetArrayLength());
        // The same clip in another batch: equal up to float32 summation order (the GEMM kernel may block by batch size).
        var first = records[0].GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("score").GetDouble()).ToList();
        var again = records[2].GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(first.Count, again.Count);
        Assert.All(first.Zip(again), pair => Assert.Equal(pair.First, pair.Second, 1e-6));
        Assert.Contains("3 inputs: 2 succeeded, 1 failed", stderr, StringComparison.Ordinal);
    }
}
