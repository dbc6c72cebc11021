using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>One label rule for every command: each --labels value is one label; --labels-file has one per line.</summary>
public sealed class CliLabelTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static List<string> Labels(string jsonLine)
        => JsonDocument.Parse(jsonLine).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()!).ToList();

    [Fact]
    public void ZeroShotTakesRepeatedLabelsAndKeepsCommasInsideALabel()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "zero-shot", CliWorkspace.Clip, "--labels", "a colorful test pattern", "--labels", "a cat sleeping, on a sofa", "--labels", "people dancing",
            "--template", "{}", "--model", TestPaths.Fixture("models/xclip-tiny"), "--frame-indices", "1,13,25,37", "--jsonl");
        Assert.True(exit == 0, stderr);
        var labels = Labels(stdout);
        Assert.Equal(3, labels.Count);
        Assert.Equal("a colorful test pattern", labels[0]);
        Assert.Contains("a cat sleeping, on a sofa", labels);
    }

    [Fact]
    public void ZeroShotImageKeepsASaltPepperAndVinegarLabelWholeAndReadsALabelsFile()
    {
        var image = _workspace.Png("photo.png");
        var file = _workspace.Text("labels.txt", "一张猫的照片，一张狗的照片\n\n  a dog  \n");
        var (exit, stdout, stderr) = CliRunner.Run(
            "zero-shot-image", image, "--labels", "salt, pepper and vinegar", "--labels-file", file,
            "--model", TestPaths.Fixture("models/altclip-tiny"), "--jsonl");
        Assert.True(exit == 0, stderr);
        Assert.Equal(
            new[] { "a dog", "salt, pepper and vinegar", "一张猫的照片，一张狗的照片" },
            Labels(stdout).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MissingOrRepeatedLabelsAreUsageErrors()
    {
        var none = CliRunner.Run("zero-shot", CliWorkspace.Clip, "--model", TestPaths.Fixture("models/xclip-tiny"));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("give candidate labels with --labels (once per label) or --labels-file", none.Stderr, StringComparison.Ordinal);

        var twice = CliRunner.Run("zero-shot-image", _workspace.Png("p.png"), "-l", "cat", "-l", "cat", "--model", TestPaths.Fixture("models/altclip-tiny"));
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("label 'cat' is given twice", twice.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zero-shot")]
    [InlineData("zero-shot-image")]
    public void TopKCutsTheLabelsAndZeroMeansAllInTheZeroShotCommands(string command)
    {
        var (input, model) = command == "zero-shot"
            ? (CliWorkspace.Clip, TestPaths.Fixture("models/xclip-tiny"))
            : (_workspace.Png("photo.png"), TestPaths.Fixture("models/altclip-tiny"));
        string[] Run(string topK)
        {
            var (exit, stdout, stderr) = CliRunner.Run(
                command, input, "--labels", "cat", "--labels", "dog", "--labels", "car", "--model", model, "--jsonl", "--top-k", topK);
            Assert.True(exit == 0, stderr);
            return [.. Labels(stdout)];
        }
        var all = Run("0");
        Assert.Equal(["car", "cat", "dog"], all.Order(StringComparer.Ordinal));
        Assert.Equal(all.Take(1), Run("1"));
    }
}
