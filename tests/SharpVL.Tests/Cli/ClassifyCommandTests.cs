using System.Text.Json;

namespace SharpVL.Tests.Cli;

public class ClassifyCommandTests
{
    [Fact]
    public void ClassifyJsonReproducesTheFixturePipelineProbabilities()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "classify", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/videomae-tiny-kinetics",
            "--frame-indices", "4,16,28,40", "--json");
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var labels = document.RootElement.GetProperty("results")[0].GetProperty("labels").EnumerateArray().ToList();
        // softmax of the fixture's pipeline logits (cases/pipeline_videomae_classification_from_mp4.expected.safetensors)
        var expected = new Dictionary<string, double>
        {
            ["eating spaghetti"] = 0.5638,
            ["riding a bike"] = 0.2714,
            ["walking the dog"] = 0.0977,
            ["playing guitar"] = 0.0496,
            ["dancing ballet"] = 0.0174,
        };
        Assert.Equal(expected.Keys, labels.Select(l => l.GetProperty("label").GetString()));
        foreach (var label in labels)
        {
            Assert.Equal(expected[label.GetProperty("label").GetString()!], label.GetProperty("score").GetDouble(), 3);
        }
    }

    [Fact]
    public void DefaultSamplingTakesSegmentCentresAndPrintsATable()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "classify", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/videomae-tiny-kinetics", "--top-k", "2");
        Assert.True(exit == 0, stderr);
        Assert.Contains("frames 6, 18, 30, 42", stdout, StringComparison.Ordinal);
        Assert.Contains("eating spaghetti", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("dancing ballet", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingVideoIsAClearError()
    {
        var (exit, _, stderr) = CliRunner.Run("classify", "no/such/video.mp4", "--model", "tests/fixtures/models/videomae-tiny-kinetics");
        Assert.Equal(1, exit);
        Assert.Contains("no/such/video.mp4", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongFrameCountIsAClearError()
    {
        var (exit, _, stderr) = CliRunner.Run(
            "classify", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/videomae-tiny-kinetics", "--frame-indices", "1,2");
        Assert.Equal(1, exit);
        Assert.Contains("The model takes 4 frames per video, but 2 frame indices were given", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ParityCommandPassesTheVideoMAECasesAndPrintsTheSummaryLine()
    {
        var (exit, stdout, stderr) = CliRunner.Run("parity", "tests/fixtures/manifest.json", "--filter", "videomae_*");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("9 passed, 0 failed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ParityCommandCountsUnimplementedCasesAsFailed()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-manifest-").FullName;
        try
        {
            var manifest = Path.Combine(directory, "manifest.json");
            File.WriteAllText(manifest, """{"format": 1, "cases": [{"name": "future_case", "kind": "model", "class": "NoSuchModel"}]}""");
            var (exit, stdout, _) = CliRunner.Run("parity", manifest, "--json");
            Assert.Equal(1, exit);
            using var report = JsonDocument.Parse(stdout[..(stdout.LastIndexOf('}') + 1)]);
            Assert.Equal("NOT IMPLEMENTED", report.RootElement.GetProperty("cases")[0].GetProperty("status").GetString());
            Assert.EndsWith("0 passed, 1 failed", stdout.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void LoadWarningsReachStderrAlsoUnderJson()
    {
        // videomae-tiny is a base checkpoint: the classifier head is freshly initialised, and the user must be told.
        var (exit, stdout, stderr) = CliRunner.Run(
            "classify", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/videomae-tiny", "--json");
        Assert.True(exit == 0, stderr);
        Assert.Contains("warning: Some weights of VideoMAEForVideoClassification were not initialized", stderr, StringComparison.Ordinal);
        Assert.Contains("classifier.weight", stderr, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(stdout); // stdout stays one JSON document
        Assert.Equal(2, document.RootElement.GetProperty("results")[0].GetProperty("labels").GetArrayLength());
    }
}
