namespace SharpVL.Tests;

/// <summary>Locates the repository and its reference fixtures from wherever the test assembly runs.</summary>
public static class TestPaths
{
    /// <summary>The repository root: the nearest ancestor of the test binaries holding <c>tests/fixtures/manifest.json</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The <c>tests/fixtures</c> directory.</summary>
    public static string Fixtures { get; } = Path.Combine(RepoRoot, "tests", "fixtures");

    /// <summary>A path under <c>tests/fixtures</c>, e.g. <c>Fixture("models/xclip-tiny/config.json")</c>.</summary>
    public static string Fixture(string relative) => Path.GetFullPath(Path.Combine(Fixtures, relative));

    /// <summary>A path under <c>tests/fixtures-training</c> (the training reference cases).</summary>
    public static string TrainingFixture(string relative) => Path.GetFullPath(Path.Combine(RepoRoot, "tests", "fixtures-training", relative));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "manifest.json")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No ancestor of '{AppContext.BaseDirectory}' contains tests/fixtures/manifest.json.");
    }
}
