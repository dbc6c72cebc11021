using System.Text.Json;
using SharpVL.Tests.Cli;

namespace SharpVL.Tests.Search;

public class SearchCommandTests
{
    [Fact]
    public void TheReadmeExampleIndexesTheFixtureMediaAndRanksByDirectModelCosines()
    {
        var db = Path.Combine(TestScratch.CreateDirectory("sharpvl-cli-index-").FullName, "idx.db");
        var (exit, stdout, stderr) = CliRunner.Run("index", "tests/fixtures/media", "--model", "tests/fixtures/models/xclip-tiny", "--db", db);
        Assert.True(exit == 0, stderr);
        Assert.Contains("2 indexed, 0 unchanged, 0 removed, 0 failed; 2 segments", stdout, StringComparison.Ordinal);

        (exit, stdout, stderr) = CliRunner.Run("search", "a colorful test pattern", "--db", db, "--json");
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var hits = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, hits.Count);
        var media = new[] { "clip.mp4", "clip_with_audio.mp4" };
        Assert.Equal(media, hits.Select(h => Path.GetFileName(h.GetProperty("path").GetString())).Order(StringComparer.Ordinal));
        // Both 2 s clips are one segment each, with the frames the pipelines use (centres of 4 equal parts of 48 frames).
        var expected = SearchFixture.DirectCosines("a colorful test pattern",
            [.. hits.Select(h => (h.GetProperty("path").GetString()!, (IReadOnlyList<int>)[6, 18, 30, 42]))]);
        for (int i = 0; i < hits.Count; i++)
        {
            Assert.Equal(0.0, hits[i].GetProperty("start_s").GetDouble());
            Assert.Equal(2.0, hits[i].GetProperty("end_s").GetDouble());
            Assert.Equal(expected[i], hits[i].GetProperty("score").GetDouble(), 4);
            Assert.Equal(TestPaths.Fixture("models/xclip-tiny"), hits[i].GetProperty("model").GetString());
        }
        Assert.True(hits[0].GetProperty("score").GetDouble() >= hits[1].GetProperty("score").GetDouble());
    }

    [Fact]
    public void UnreadableFilesAreListedAtTheEndWithTheSomeFailedExitCode()
    {
        var folder = TestScratch.CreateDirectory("sharpvl-cli-broken-").FullName;
        File.Copy(TestPaths.Fixture("search/pattern.mp4"), Path.Combine(folder, "good.mp4"));
        File.WriteAllText(Path.Combine(folder, "bad.mkv"), "not a video");
        var db = Path.Combine(folder, "idx.db");
        var (exit, stdout, stderr) = CliRunner.Run("index", folder, "--model", "tests/fixtures/models/xclip-tiny", "--db", db);
        Assert.Equal(3, exit);
        Assert.Contains("1 indexed, 0 unchanged, 0 removed, 1 failed", stdout, StringComparison.Ordinal);
        Assert.Contains("could not index:", stderr, StringComparison.Ordinal);
        Assert.Contains("bad.mkv", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SearchingAnotherModelsIndexOrAMissingIndexIsAClearError()
    {
        var folder = TestScratch.CreateDirectory("sharpvl-cli-models-").FullName;
        var db = Path.Combine(folder, "idx.db");
        var (exit, _, stderr) = CliRunner.Run("search", "anything", "--db", db);
        Assert.Equal(1, exit);
        Assert.Contains("is empty", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = CliRunner.Run("index", TestPaths.Fixture("search/pattern.mp4"), "--model", "tests/fixtures/models/xclip-tiny", "--db", db);
        Assert.True(exit == 0, stderr);
        (exit, _, stderr) = CliRunner.Run("index", TestPaths.Fixture("search/bars.mp4"), "--model", "tests/fixtures/models/altclip-tiny", "--db", db);
        Assert.Equal(1, exit);
        Assert.Contains("xclip-tiny", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}

public class SearchByExampleTests
{
    [Fact]
    public void AnIndexedClipIsItsOwnBestMatch()
    {
        var folder = TestScratch.CreateDirectory("sharpvl-cli-like-").FullName;
        var db = Path.Combine(folder, "idx.db");
        var (exit, _, stderr) = CliRunner.Run("index", "tests/fixtures/search", "--model", "tests/fixtures/models/xclip-tiny", "--db", db);
        Assert.True(exit == 0, stderr);
        (exit, var stdout, stderr) = CliRunner.Run("search", "--like", "tests/fixtures/search/pattern.mp4", "--db", db, "--top-k", "3", "--json");
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var best = document.RootElement[0];
        // pattern.mp4 is 3 s: one segment with the frames the whole-clip example uses, so the cosine is 1.
        Assert.Equal(TestPaths.Fixture("search/pattern.mp4"), best.GetProperty("path").GetString());
        Assert.Equal(1.0, best.GetProperty("score").GetDouble(), 4);
        Assert.True(document.RootElement[1].GetProperty("score").GetDouble() < 0.9999);
    }
}
