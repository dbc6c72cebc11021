using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>The CLI's video decoding flags and messages (<c>--autorotate</c>, odd file names).</summary>
public class MediaCliTests
{
    private const string Model = "tests/fixtures/models/videomae-tiny-kinetics";
    private const string RotatedClip = "tests/SharpVL.Tests/Processing/Data/ColorVideos/rotate_90.mp4";

    [Fact]
    public void AutoRotateChangesWhatTheModelSees()
    {
        var stored = Scores(CliRunner.Run("classify", RotatedClip, "--model", Model, "--frame-indices", "0,1,2,2", "--json"));
        var upright = Scores(CliRunner.Run("classify", RotatedClip, "--model", Model, "--frame-indices", "0,1,2,2", "--json", "--autorotate"));

        Assert.Equal(stored.Keys.Order(), upright.Keys.Order());
        Assert.Contains(stored, s => Math.Abs(s.Value - upright[s.Key]) > 1e-4);
    }

    [Fact]
    public void AVideoNamedLikeAnOptionIsClassified()
    {
        // Relative to the CLI's working directory (the repository root), as "classify -- -report.mp4" is typed.
        string name = $"-report-{Guid.NewGuid():N}.mp4";
        string copy = Path.Combine(TestPaths.RepoRoot, name);
        File.Copy(TestPaths.Fixture("media/clip.mp4"), copy);
        try
        {
            var (exit, stdout, stderr) = CliRunner.Run("classify", "--model", Model, "--frame-indices", "4,16,28,40", "--json", "--", name);

            Assert.True(exit == 0, stderr);
            using var document = JsonDocument.Parse(stdout);
            Assert.Equal("eating spaghetti", document.RootElement.GetProperty("results")[0].GetProperty("labels")[0].GetProperty("label").GetString());
            Assert.Empty(Directory.GetFiles(TestPaths.RepoRoot, "ffprobe-*.log"));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static Dictionary<string, double> Scores(CliResult run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.GetProperty("results")[0].GetProperty("labels").EnumerateArray()
            .ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
    }
}
