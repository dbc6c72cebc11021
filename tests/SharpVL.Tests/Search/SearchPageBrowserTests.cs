using System.Diagnostics;
using System.Text.Json;

namespace SharpVL.Tests.Search;

/// <summary>
/// Drives the search page in Debian's headless chromium through npm's playwright-core (tools/browser, installed by
/// scripts/setup.sh; never a browser download): type a query, see the expected results, click them, check the player's
/// position. Saves artifacts/search-page.png (the README's docs/search-page.png is such a screenshot).
/// </summary>
public sealed class SearchPageBrowserTests(SearchServerFixture server) : IClassFixture<SearchServerFixture>
{
    private const string Query = "a colorful test pattern";

    [Fact]
    public void TypingAQueryShowsTheRankedSegmentsAndClickingOnePlaysItFromItsStart()
    {
        var expected = server.Service.Searcher.Search(Query, 12);
        var screenshot = Path.Combine(TestPaths.RepoRoot, "artifacts", "search-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        using var page = JsonDocument.Parse(Drive(new Uri(server.BaseAddress, "/").ToString(), Query, screenshot));
        var root = page.RootElement;
        Assert.Empty(root.GetProperty("errors").EnumerateArray());

        var cards = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(expected.Select(h => h.Path), cards.Select(c => c.GetProperty("path").GetString()));
        Assert.Equal(expected.Select(h => h.StartSeconds), cards.Select(c => c.GetProperty("start_s").GetDouble()));
        Assert.Equal(Path.GetFileName(expected[0].Path), cards[0].GetProperty("name").GetString());
        Assert.Equal(FormattableString.Invariant($"score {expected[0].Score:0.0000}"), cards[0].GetProperty("score").GetString());

        var clicks = root.GetProperty("clicks").EnumerateArray().ToList();
        Assert.Contains(clicks, c => c.GetProperty("start_s").GetDouble() > 0);
        foreach (var click in clicks)
        {
            var hit = expected[click.GetProperty("index").GetInt32()];
            var time = click.GetProperty("currentTime").GetDouble();
            Assert.True(click.GetProperty("reached").GetBoolean(), $"the player did not reach {hit.StartSeconds} s: {click}");
            Assert.InRange(time, hit.StartSeconds - 0.05, hit.EndSeconds + 0.05);
            Assert.EndsWith(FormattableString.Invariant($"/api/videos/{hit.VideoId}#t={hit.StartSeconds:0.###},{hit.EndSeconds:0.###}"),
                click.GetProperty("src").GetString(), StringComparison.Ordinal);
        }
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot was written");
    }

    private static string Drive(string url, string query, string screenshot)
    {
        var tool = Path.Combine(TestPaths.RepoRoot, "tools", "browser");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException($"playwright-core is not installed in {tool}: run scripts/setup.sh (npm ci there).");
        }
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("/usr/bin/chromium is missing: run scripts/setup.sh (Debian package chromium).");
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "search-page.mjs", url, query, screenshot })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The browser test did not finish in 3 minutes.");
        }
        Assert.True(process.ExitCode == 0, $"search-page.mjs failed: {stderr.Result}");
        return stdout.Result;
    }
}
