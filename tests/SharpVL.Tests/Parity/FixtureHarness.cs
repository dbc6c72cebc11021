using SharpVL.Parity;

namespace SharpVL.Tests.Parity;

/// <summary>The committed fixture manifests with their runners, loaded once per test run and shared by the parity tests.</summary>
internal static class FixtureHarness
{
    private static readonly Lazy<(FixtureManifest Manifest, ParityRunner Runner)> InferenceCases = new(() => Load(TestPaths.Fixture("manifest.json")));
    private static readonly Lazy<(FixtureManifest Manifest, ParityRunner Runner)> TrainingCases = new(() => Load(TestPaths.TrainingFixture("manifest.json")));

    /// <summary><c>tests/fixtures/manifest.json</c> (inference cases made by Transformers).</summary>
    public static (FixtureManifest Manifest, ParityRunner Runner) Inference => InferenceCases.Value;

    /// <summary><c>tests/fixtures-training/manifest.json</c> (training cases).</summary>
    public static (FixtureManifest Manifest, ParityRunner Runner) Training => TrainingCases.Value;

    /// <summary>The failed comparisons of a case, for an assertion message.</summary>
    public static string Failures(CaseResult result) =>
        string.Join("; ", result.Comparisons.Where(c => !c.Passed).Select(c => $"{c.Key} max_abs={c.MaxAbsError:g3} {c.Problem}"));

    /// <summary>
    /// Runs the inference case <paramref name="caseName"/> inside the scope <paramref name="scope"/> opens (a forced kernel or
    /// backend) and asserts that it passes; <paramref name="what"/> names the variant in the failure message.
    /// </summary>
    public static void AssertInferenceCasePasses(string caseName, Func<IDisposable> scope, string what)
    {
        var (manifest, runner) = Inference;
        var fixtureCase = manifest.Cases.Single(c => c.Name == caseName);
        CaseResult result;
        using (scope())
        {
            result = runner.Run(fixtureCase);
        }
        Assert.True(result.Status == CaseStatus.Passed, $"{caseName} {what}: {result.Status} {result.Message} " + Failures(result));
    }

    private static (FixtureManifest, ParityRunner) Load(string path)
    {
        var manifest = FixtureManifest.Load(path);
        return (manifest, new ParityRunner(manifest, ParityRegistry.CreateDefault()));
    }
}
