using SharpVL.Modeling;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Tests.Parity;

/// <summary>
/// Every family's model cases pass on every exact float32 kernel this machine has (libtorch, oneDNN through
/// TorchScript, the system oneDNN's sgemm), and the forced kernel really ran the Linear layers.
/// </summary>
public class Fp32KernelParityTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] cases = ["videomae_model", "videomae_classification_nolabels", "xclip_forward_2v3t", "altclip_forward_2i3t", "tvlt_model", "tvlt_avclassification_nomask"];
        foreach (var kernel in Enum.GetValues<Fp32Kernel>())
        {
            foreach (var name in cases)
            {
                data.Add(name, Fp32Kernels.Name(kernel));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CasePassesOnTheKernel(string caseName, string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        Assert.True(Fp32Kernels.IsAvailable(kernel) || kernel == Fp32Kernel.DnnlSgemm,
            $"{kernelName} should be available with this libtorch");
        if (!Fp32Kernels.IsAvailable(kernel))
        {
            // dnnl-sgemm needs the system's libdnnl2 (installed by scripts/setup.sh); without it the kernel is refused.
            Assert.Throws<NotSupportedException>(() => Fp32Kernels.Force(kernel));
            return;
        }
        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        FixtureHarness.AssertInferenceCasePasses(caseName, () => Fp32Kernels.ForceOnThisThread(kernel), $"on {kernelName}");
        Assert.True(Fp32Kernels.ProductsOnThisThread(kernel) > before, $"{caseName}: no product ran on {kernelName}");
    }

    public static TheoryData<string, long> KernelsAndRows()
    {
        var data = new TheoryData<string, long>();
        foreach (var kernel in Fp32Kernels.Available)
        {
            foreach (var rows in new long[] { 1, 3, 50 })
            {
                data.Add(Fp32Kernels.Name(kernel), rows);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndRows))]
    public void RepeatedLinearMatchesLibtorchAndLeavesTheParametersAlone(string kernelName, long rows)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        manual_seed(7);
        using var layer = new KernelLinear(48, 40);
        using var input = randn(2, rows, 48);
        using var weightBefore = layer.Weight.detach().clone();
        using var biasBefore = layer.Bias!.detach().clone();
        using var expected = nn.functional.linear(input.to(ScalarType.Float64), weightBefore.to(ScalarType.Float64), biasBefore.to(ScalarType.Float64));
        using (Fp32Kernels.ForceOnThisThread(kernel))
        using (inference_mode())
        {
            for (var call = 0; call < 3; call++)
            {
                using var output = layer.call(input);
                Assert.Equal([2, rows, 40], output.shape);
                Assert.True(output.to(ScalarType.Float64).allclose(expected, rtol: 1e-5, atol: 1e-5), $"call {call} on {kernelName} differs from x·wᵀ + b");
            }
        }
        Assert.True(layer.Weight.equal(weightBefore).all().item<bool>() && layer.Bias!.equal(biasBefore).all().item<bool>(), $"{kernelName} changed the layer's parameters");
    }
}
