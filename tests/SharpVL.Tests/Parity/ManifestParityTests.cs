using SharpVL.Parity;
using Xunit.Abstractions;

namespace SharpVL.Tests.Parity;

/// <summary>
/// Every case of the public fixtures manifest: implemented families must match Transformers; the cases of families
/// not yet ported are reported as skipped until they land.
/// </summary>
public class ManifestParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<(FixtureManifest Manifest, ParityRunner Runner)> Harness = new(() =>
    {
        var manifest = FixtureManifest.Load(ParityPaths.Manifest);
        return (manifest, new ParityRunner(manifest, ParityRegistry.CreateDefault()));
    });

    public static TheoryData<string> ImplementedCases() => CasesWhere(implemented: true);

    public static TheoryData<string> PendingCases() => CasesWhere(implemented: false);

    private static TheoryData<string> CasesWhere(bool implemented)
    {
        var data = new TheoryData<string>();
        var (manifest, runner) = Harness.Value;
        foreach (var fixtureCase in manifest.Cases.Where(c => runner.IsImplemented(c) == implemented))
        {
            data.Add(fixtureCase.Name);
        }
        if (data.Count == 0)
        {
            data.Add("(none)");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ImplementedCases))]
    public void CaseMatchesTransformers(string caseName)
    {
        var (manifest, runner) = Harness.Value;
        var fixtureCase = manifest.Cases.Single(c => c.Name == caseName);
        var result = runner.Run(fixtureCase);
        foreach (var comparison in result.Comparisons)
        {
            output.WriteLine($"{comparison.Key}: passed={comparison.Passed} max_abs={comparison.MaxAbsError:g3} max_rel={comparison.MaxRelError:g3} {comparison.Problem}");
        }
        Assert.True(result.Status == CaseStatus.Passed,
            $"{caseName}: {result.Status} {result.Message} " +
            string.Join("; ", result.Comparisons.Where(c => !c.Passed).Select(c => $"{c.Key} max_abs={c.MaxAbsError:g3} {c.Problem}")));
    }

    [Theory(Skip = "family not ported yet: this case runs once its family lands")]
    [MemberData(nameof(PendingCases))]
    public void PendingFamilyCase(string caseName) => Assert.Fail(caseName);
}

internal static class ParityPaths
{
    public static string Manifest => Path.Combine(FindRepoRoot(), "tests", "fixtures", "manifest.json");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "manifest.json")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("tests/fixtures/manifest.json not found above " + AppContext.BaseDirectory);
    }
}
