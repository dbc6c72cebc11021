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

    private static (FixtureManifest, ParityRunner) Load(string path)
    {
        var manifest = FixtureManifest.Load(path);
        return (manifest, new ParityRunner(manifest, ParityRegistry.CreateDefault()));
    }
}
