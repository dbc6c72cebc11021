using SharpVL.Fuzz;
using Xunit.Abstractions;

namespace SharpVL.Tests.Fuzzing;

/// <summary>The campaigns run alone, after the parallel tests: they keep both cores busy and leave garbage for the finalizers.</summary>
[CollectionDefinition(nameof(FuzzCollection), DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The bounded fuzz campaign CI runs: every reader of untrusted files, a fixed seed, at most 20 s or 10,000 inputs per
/// target. Every read must load or fail with SharpVL's own one-line error naming the file. The long campaign is
/// <c>dotnet run --project tests/SharpVL.Fuzz -c Release -- --seconds 600</c> (README, Reliability).
/// </summary>
[Collection(nameof(FuzzCollection))]
public class FuzzCampaignTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryInputLoadsOrFailsWithAClearSharpVLError(string target)
    {
        // Video inputs are decoded (about 8 a second on 2 cores): that campaign is bounded by inputs, not by a rate.
        var settings = target == "video"
            ? new FuzzSettings(Seed: 20261126, MaxInputs: 150, MaxDuration: TimeSpan.FromMinutes(5), PerReadTimeout: TimeSpan.FromSeconds(20))
            : new FuzzSettings(Seed: 20261126, MaxInputs: 10_000, MaxDuration: TimeSpan.FromSeconds(20), PerReadTimeout: TimeSpan.FromSeconds(20));

        var report = FuzzCampaign.Run(FuzzTargets.Named(target), settings, TestPaths.RepoRoot);

        output.WriteLine(report.ToString());
        Assert.True(report.UnexpectedCount == 0,
            report + Environment.NewLine + string.Join(Environment.NewLine, report.Unexpected.Select(f => $"{f.Reader}: {f.Problem}")));
        // The campaign really ran: the seeds load, mutants are rejected, and the mutants reach many different checks.
        Assert.True(report.Inputs >= (target == "video" ? 150 : 300), report.ToString());
        Assert.True(report.Loaded > 0 && report.Rejected > 0, report.ToString());
        Assert.True(report.DistinctOutcomes >= 5, report.ToString());
    }

    [Fact]
    public void TheSameSeedTriesTheSameInputs()
    {
        var target = FuzzTargets.Named("wav");
        var settings = new FuzzSettings(Seed: 5, MaxInputs: 200, MaxDuration: TimeSpan.FromMinutes(1), PerReadTimeout: TimeSpan.FromSeconds(20));

        var first = FuzzCampaign.Run(target, settings, TestPaths.RepoRoot);
        var second = FuzzCampaign.Run(target, settings, TestPaths.RepoRoot);

        Assert.Equal(200, first.Inputs);
        Assert.Equal((first.Loaded, first.Rejected, first.DistinctOutcomes), (second.Loaded, second.Rejected, second.DistinctOutcomes));
    }

    [Fact]
    public void ARaisedFrameworkExceptionIsAFinding()
    {
        var settings = new FuzzSettings(Seed: 1, MaxInputs: 3, MaxDuration: TimeSpan.FromMinutes(1), PerReadTimeout: TimeSpan.FromSeconds(20));

        var report = FuzzCampaign.Run(new ThrowingTarget(), settings, TestPaths.RepoRoot);

        Assert.Equal(3, report.UnexpectedCount);
        Assert.Contains("System.FormatException", report.Unexpected[0].Problem);
    }

    private sealed class ThrowingTarget : FuzzTarget
    {
        public override string Name => "throwing";

        public override string Description => "always fails the wrong way";

        public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) => [new FuzzCase(new Dictionary<string, byte[]> { ["a.bin"] = [1, 2, 3] })];

        public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
        {
            yield return ("throwing", () => throw new FormatException("bad"));
        }
    }
}
