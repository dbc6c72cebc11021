using System.Text.Json;
using SharpVL.Tests.Cli;

namespace SharpVL.Tests.XCLIP;

public class ZeroShotCommandTests
{
    [Fact]
    public void JsonReproducesTheFixturePipelineLogits()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "zero-shot", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/xclip-tiny",
            "--labels", "a colorful test pattern", "--labels", "a cat sleeping on a sofa", "--labels", "people dancing", "--template", "{}",
            "--frame-indices", "1,13,25,37", "--json");
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var video = document.RootElement.GetProperty("results")[0];
        Assert.Equal([1, 13, 25, 37], video.GetProperty("frame_indices").EnumerateArray().Select(e => e.GetInt32()));
        var labels = video.GetProperty("labels").EnumerateArray().ToList();
        // logits_per_video of cases/pipeline_xclip_from_mp4.expected.safetensors and their softmax
        var expected = new Dictionary<string, (double Logit, double Probability)>
        {
            ["a colorful test pattern"] = (6.94399, 0.913851),
            ["people dancing"] = (4.45301, 0.075693),
            ["a cat sleeping on a sofa"] = (2.47348, 0.010456),
        };
        Assert.Equal(expected.Keys, labels.Select(l => l.GetProperty("label").GetString()));
        foreach (var label in labels)
        {
            var (logit, probability) = expected[label.GetProperty("label").GetString()!];
            Assert.Equal(logit, label.GetProperty("logit").GetDouble(), 3);
            Assert.Equal(probability, label.GetProperty("score").GetDouble(), 4);
        }
    }

    [Fact]
    public void TablePrintsPromptsFromTheDefaultTemplate()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "zero-shot", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/xclip-tiny", "--labels", "cooking", "--labels", "dancing");
        Assert.True(exit == 0, stderr);
        Assert.Contains("frames 6, 18, 30, 42", stdout, StringComparison.Ordinal);
        Assert.Contains("a video of cooking", stdout, StringComparison.Ordinal);
        Assert.Contains("a video of dancing", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongFrameCountIsAClearError()
    {
        var (exit, _, stderr) = CliRunner.Run(
            "zero-shot", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/models/xclip-tiny", "--labels", "a", "--labels", "b", "--frame-indices", "1,2,3");
        Assert.Equal(1, exit);
        Assert.Contains("The model takes 4 frames per video, but 3 frame indices were given", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
