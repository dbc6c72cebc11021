using SharpVL.Parity;
using Xunit.Abstractions;

namespace SharpVL.Tests.Parity;

/// <summary>
/// Every case of the public fixtures manifest must match Transformers (values and dtypes); a case SharpVL has no
/// handler for fails, it never skips.
/// </summary>
public class ManifestParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllCases()
    {
        var data = new TheoryData<string>();
        foreach (var fixtureCase in FixtureHarness.Inference.Manifest.Cases)
        {
            data.Add(fixtureCase.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void CaseMatchesTransformers(string caseName)
    {
        var (manifest, runner) = FixtureHarness.Inference;
        var fixtureCase = manifest.Cases.Single(c => c.Name == caseName);
        Assert.True(runner.IsImplemented(fixtureCase),
            $"{caseName}: no handler for {fixtureCase.Kind} '{ParityRegistry.TargetOf(fixtureCase)}'.");
        var result = runner.Run(fixtureCase);
        foreach (var comparison in result.Comparisons)
        {
            output.WriteLine($"{comparison.Key}: passed={comparison.Passed} max_abs={comparison.MaxAbsError:g3} max_rel={comparison.MaxRelError:g3} {comparison.Problem}");
        }
        Assert.True(result.Status == CaseStatus.Passed,
            $"{caseName}: {result.Status} {result.Message} " +
            FixtureHarness.Failures(result));
    }
}
