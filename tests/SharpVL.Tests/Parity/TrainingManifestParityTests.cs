using SharpVL.Parity;
using SharpVL.Runtime.Kernels;
using Xunit.Abstractions;

namespace SharpVL.Tests.Parity;

/// <summary>
/// Every case of the training fixtures manifest (<c>tests/fixtures-training</c>): a few AdamW steps must reproduce
/// PyTorch's loss, gradient norm, first gradients and final parameters within the case's tolerances, on every float32
/// kernel (the Linear layers' forward and backward products run on it). A case without a handler fails (never skips).
/// </summary>
public class TrainingManifestParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllCases()
    {
        var data = new TheoryData<string>();
        foreach (var fixtureCase in FixtureHarness.Training.Manifest.Cases)
        {
            data.Add(fixtureCase.Name);
        }
        return data;
    }

    /// <summary>Every case on every float32 kernel this machine has (training runs its Linear products on it too).</summary>
    public static TheoryData<string, string> AllCasesAndKernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in Fp32Kernels.Available)
        {
            foreach (var fixtureCase in FixtureHarness.Training.Manifest.Cases)
            {
                data.Add(fixtureCase.Name, Fp32Kernels.Name(kernel));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCasesAndKernels))]
    public void TrainingStepsMatchPyTorch(string caseName, string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        var (manifest, runner) = FixtureHarness.Training;
        var fixtureCase = manifest.Cases.Single(c => c.Name == caseName);
        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        CaseResult result;
        using (Fp32Kernels.ForceOnThisThread(kernel))
        {
            result = runner.Run(fixtureCase);
        }
        Assert.True(Fp32Kernels.ProductsOnThisThread(kernel) > before, $"{caseName}: no product ran on {kernelName}");
        foreach (var group in result.Groups)
        {
            output.WriteLine($"{group.Name}: {group.PassedCount}/{group.Count} max_abs={group.MaxAbsError:g3} max_rel={group.MaxRelError:g3}");
        }
        Assert.True(result.Status == CaseStatus.Passed,
            $"{caseName}: {result.Status} {result.Message} " +
            FixtureHarness.Failures(result));
        // Every expected group was compared: the loss and norm of each step, the first gradients, the final weights.
        Assert.Equal(["decay_params", "final", "grad", "grad_norm", "loss", "params_without_grad"], result.Groups.Select(g => g.Name).Order());
    }
}
