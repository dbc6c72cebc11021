using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.AltCLIP;

/// <summary>Runs the real <c>sharpvl</c> executable (copied next to the tests) on PNGs written from fixture pixels.</summary>
public sealed class AltCLIPCliTests : IDisposable
{
    private readonly string _directory = TestScratch.CreateDirectory("sharpvl-altclip-cli-").FullName;
    private readonly string[] _images;

    public AltCLIPCliTests()
    {
        Directory.CreateDirectory(_directory);
        // Two frames of the decoded test clip (96x72 RGB) as the images.
        var frames = FixtureTensors.Read("media/clip_frames.safetensors");
        var video = frames["frames"];
        var (height, width) = ((int)video.shape[1], (int)video.shape[2]);
        var bytes = video.data<byte>().ToArray();
        _images = [.. new[] { 0, 30 }.Select(f =>
        {
            var path = Path.Combine(_directory, $"frame{f}.png");
            ImageFile.SavePng(new RgbImage(width, height, bytes.AsSpan(f * height * width * 3, height * width * 3).ToArray()), path);
            return path;
        })];
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SharpVL.Tests.Cli.CliResult RunCli(params string[] arguments) => SharpVL.Tests.Cli.CliRunner.Run(arguments);

    [Fact]
    public void ZeroShotImageJsonMatchesThePipeline()
    {
        var (code, stdout, stderr) = RunCli(
            "zero-shot-image", _images[0], _images[1], "--labels", "一张猫的照片", "--labels", "一张狗的照片", "--labels", "a red square",
            "--model", AltCLIPFixtures.ModelDir, "--json");
        Assert.True(code == 0, stderr);

        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        var expected = pipeline.ClassifyFiles(_images, new ClassificationOptions { CandidateLabels = ["一张猫的照片", "一张狗的照片", "a red square"] });
        using var document = JsonDocument.Parse(stdout);
        var results = document.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(_images[i], results[i].GetProperty("input").GetString());
            var labels = results[i].GetProperty("labels").EnumerateArray().ToList();
            Assert.Equal(expected[i].Labels.Select(l => l.Label), labels.Select(l => l.GetProperty("label").GetString()));
            for (var j = 0; j < labels.Count; j++)
            {
                Assert.Equal(expected[i].Labels[j].Score, labels[j].GetProperty("score").GetSingle(), 1e-6f);
            }
        }
        Assert.Contains("一张猫的照片", stdout, StringComparison.Ordinal); // readable, not \u-escaped
    }

    [Fact]
    public void SimilarityJsonHasTheMatrix()
    {
        var (code, stdout, stderr) = RunCli(
            "similarity", "--images", _images[0], _images[1], "--texts", "一只猫在沙发上睡觉。", "a photo of a cat", "Ein Hund",
            "--model", AltCLIPFixtures.ModelDir, "--json", "--batch-size", "2");
        Assert.True(code == 0, stderr);
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        var expected = pipeline.SimilarityFiles(_images, ["一只猫在沙发上睡觉。", "a photo of a cat", "Ein Hund"]);
        using var document = JsonDocument.Parse(stdout);
        var cosine = document.RootElement.GetProperty("cosine").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(2, cosine.Length);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(3, cosine[i].Length);
            for (var t = 0; t < 3; t++)
            {
                Assert.Equal(expected.Cosine[i][t], cosine[i][t], 1e-5f);
            }
        }
        Assert.Equal(expected.BestTextPerImage(), document.RootElement.GetProperty("best_text_per_image").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void MissingImageAndWrongModelFailWithOneLine()
    {
        var missing = RunCli("zero-shot-image", Path.Combine(_directory, "nope.jpg"), "--labels", "cat", "--model", AltCLIPFixtures.ModelDir);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.jpg", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("no such file or folder", missing.Stderr, StringComparison.Ordinal);

        var wrong = RunCli("similarity", "--images", _images[0], "--texts", "cat", "--model", TestPaths.Fixture("models/videomae-tiny"), "--json");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("'model_type' is 'videomae'", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal("", wrong.Stdout.Trim());
    }
}
