using SharpVL.Modeling;
using SharpVL.Runtime.Kernels;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>
/// With gradients enabled, a float32 CPU <see cref="KernelLinear"/> runs its forward and both backward products on the
/// fast kernel and gives libtorch's gradients: any leading shape, strided inputs, frozen weights, inputs without a
/// gradient, no bias, accumulation into <c>.grad</c>, second derivatives.
/// </summary>
public class KernelLinearGradientTests
{
    public static TheoryData<string> FastKernels()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in Fp32Kernels.Available.Where(k => k != Fp32Kernel.Libtorch))
        {
            data.Add(Fp32Kernels.Name(kernel));
        }
        return data;
    }

    /// <summary>Input layouts: leading shape, and whether the input is a strided (non-contiguous) view.</summary>
    public static TheoryData<string, string, bool, bool, bool> Variants()
    {
        var data = new TheoryData<string, string, bool, bool, bool>();
        foreach (var kernel in Fp32Kernels.Available.Where(k => k != Fp32Kernel.Libtorch))
        {
            foreach (var layout in new[] { "2x5", "3x1x4", "7", "strided", "empty" })
            {
                data.Add(Fp32Kernels.Name(kernel), layout, true, true, true);
            }
            data.Add(Fp32Kernels.Name(kernel), "2x5", false, true, true);   // input without a gradient (first layer)
            data.Add(Fp32Kernels.Name(kernel), "2x5", true, false, true);   // frozen weight (--freeze-backbone)
            data.Add(Fp32Kernels.Name(kernel), "2x5", true, true, false);   // no bias
            data.Add(Fp32Kernels.Name(kernel), "strided", true, false, false);
            data.Add(Fp32Kernels.Name(kernel), "3x1x4", false, false, true);   // frozen layer, trainable bias only
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void GradientsEqualLibtorchs(string kernelName, string layout, bool inputGrad, bool weightGrad, bool hasBias)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        manual_seed(11);
        using var layer = new KernelLinear(48, 40, hasBias);
        layer.Weight.requires_grad_(weightGrad);
        using var source = randn(3, 6, 96);
        Tensor Input() => layout switch
        {
            "2x5" => source[0, ..5, ..48].contiguous(),
            "3x1x4" => source[.., ..4, ..48].reshape(3, 1, 4, 48).contiguous(),
            "7" => source[0, 0, ..48].contiguous(),
            "strided" => source.transpose(0, 1).slice(2, 1, 96, 2),   // [6, 3, 48], every other feature
            "empty" => source[0, ..0, ..48].contiguous(),
            _ => throw new ArgumentException(layout),
        };
        using var projection = randn(Input().shape[..^1].Append(40L).ToArray());

        (Tensor? Input, Tensor? Weight, Tensor? Bias, Tensor Output) Run(Fp32Kernel k)
        {
            layer.zero_grad();
            using var input = Input().detach().requires_grad_(inputGrad);
            using var forced = Fp32Kernels.ForceOnThisThread(k);
            var output = layer.call(input);
            using (var loss = (output * projection).sum())
            {
                loss.backward();
            }
            return (input.grad?.clone(), layer.Weight.grad?.clone(), layer.Bias?.grad?.clone(), output.detach());
        }

        var expected = Run(Fp32Kernel.Libtorch);
        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        var got = Run(kernel);
        // The forward, and one product per gradient asked for (the bias gradient is a sum, not a product).
        Assert.Equal(1 + (inputGrad ? 1 : 0) + (weightGrad ? 1 : 0), Fp32Kernels.ProductsOnThisThread(kernel) - before);
        AssertClose(expected.Output, got.Output, "output");
        Assert.Equal(inputGrad, got.Input is not null);
        Assert.Equal(weightGrad, got.Weight is not null);
        Assert.Equal(hasBias, got.Bias is not null);
        AssertClose(expected.Input, got.Input, "input gradient");
        AssertClose(expected.Weight, got.Weight, "weight gradient");
        AssertClose(expected.Bias, got.Bias, "bias gradient");
    }

    [Theory]
    [MemberData(nameof(FastKernels))]
    public void AFrozenLayerOnAnInputWithoutGradientRunsOnTheKernelWithGradientsEnabled(string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        manual_seed(14);
        using var layer = new KernelLinear(32, 24);
        layer.Weight.requires_grad_(false);
        layer.Bias!.requires_grad_(false);
        using var input = randn(4, 32);
        using var expected = nn.functional.linear(input, layer.Weight, layer.Bias);
        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        using var forced = Fp32Kernels.ForceOnThisThread(kernel);
        using var output = layer.call(input);
        Assert.True(is_grad_enabled());
        Assert.False(output.requires_grad);
        Assert.Equal(1, Fp32Kernels.ProductsOnThisThread(kernel) - before);
        AssertClose(expected, output, "frozen output");
    }

    [Theory]
    [MemberData(nameof(FastKernels))]
    public void GradientsAccumulateIntoGradAndTheBiasCanComeFromElsewhere(string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        manual_seed(12);
        using var layer = new KernelLinear(32, 24, hasBias: false);
        using var separateBias = randn(24).requires_grad_(true);   // VideoMAE's q_bias/v_bias path (Apply with another bias)
        using var input = randn(2, 9, 32);

        (Tensor Weight, Tensor Bias) TwoBackwards(Fp32Kernel k)
        {
            layer.zero_grad();
            separateBias.grad?.zero_();
            using var forced = Fp32Kernels.ForceOnThisThread(k);
            for (var pass = 1; pass <= 2; pass++)
            {
                using var output = layer.Apply(input, separateBias * pass);
                using var loss = output.pow(2).sum();
                loss.backward();
            }
            return (layer.Weight.grad!.clone(), separateBias.grad!.clone());
        }

        var expected = TwoBackwards(Fp32Kernel.Libtorch);
        var got = TwoBackwards(kernel);
        AssertClose(expected.Weight, got.Weight, "accumulated weight gradient");
        AssertClose(expected.Bias, got.Bias, "accumulated bias gradient");
    }

    [Theory]
    [MemberData(nameof(FastKernels))]
    public void SecondDerivativesEqualLibtorchs(string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        manual_seed(13);
        using var layer = new KernelLinear(16, 12);
        using var x = randn(5, 16);

        Tensor SecondOrderWeightGradient(Fp32Kernel k)
        {
            layer.zero_grad();
            using var forced = Fp32Kernels.ForceOnThisThread(k);
            using var input = x.detach().requires_grad_(true);
            using var output = layer.call(input);
            using var loss = output.tanh().sum();
            var inputGradient = autograd.grad([loss], [input], retain_graph: true, create_graph: true)[0];
            using var penalty = inputGradient.pow(2).sum();
            penalty.backward();
            return layer.Weight.grad!.clone();
        }

        AssertClose(SecondOrderWeightGradient(Fp32Kernel.Libtorch), SecondOrderWeightGradient(kernel), "gradient of the gradient norm");
    }

    public static TheoryData<string, string> KernelsAndModels()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in Fp32Kernels.Available.Where(k => k != Fp32Kernel.Libtorch))
        {
            foreach (var caseName in new[] { "videomae_train_pretraining", "xclip_train_contrastive", "altclip_train_contrastive", "tvlt_train_classification" })
            {
                data.Add(Fp32Kernels.Name(kernel), caseName);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndModels))]
    public void ModelGradientsEqualLibtorchs(string kernelName, string caseName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        using var model = TrainingFixtures.LoadModel(caseName);
        model.train();
        var batch = TrainingFixtures.StepBatch(caseName, 0);

        Dictionary<string, Tensor> Gradients(Fp32Kernel k)
        {
            model.zero_grad();
            using var forced = Fp32Kernels.ForceOnThisThread(k);
            using (var output = BatchForward.Run(model, batch, TrainingFixtures.Arguments(caseName)))
            {
                BatchForward.LossOf(output)!.backward();
            }
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var expected = Gradients(Fp32Kernel.Libtorch);
        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        var got = Gradients(kernel);
        Assert.True(Fp32Kernels.ProductsOnThisThread(kernel) > before, $"no product ran on {kernelName}");
        foreach (var (name, grad) in expected)
        {
            // Key biases get a zero gradient in exact arithmetic (softmax ignores a per-query constant): only rounding
            // noise (~1e-8) is left there, hence the small absolute floor.
            AssertClose(grad, got[name], $"{caseName} {name}", absolute: 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(FastKernels))]
    public void ASavedInputModifiedInPlaceFailsTheBackwardWithoutEndingTheProcess(string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        using var layer = new KernelLinear(8, 4);
        using var forced = Fp32Kernels.ForceOnThisThread(kernel);
        using var input = randn(3, 8);
        using var output = layer.call(input);
        using var loss = output.sum();
        using (no_grad())
        {
            input.add_(1);   // PyTorch refuses this backward: the weight gradient needs the input as it was
        }
        Assert.ThrowsAny<Exception>(() => loss.backward());
        Assert.Contains("modified by an inplace operation", KernelLinearFunction.TakeFailure());
        Assert.Null(KernelLinearFunction.TakeFailure());
    }

    [Theory]
    [MemberData(nameof(FastKernels))]
    public void CheckpointedTrainingEqualsKeptActivationsOnTheKernel(string kernelName)
    {
        var kernel = Fp32Kernels.Parse(kernelName);
        const string caseName = "videomae_train_classification";
        using var model = TrainingFixtures.LoadModel(caseName);
        model.train();
        var batch = TrainingFixtures.StepBatch(caseName, 0);

        Dictionary<string, Tensor> Gradients(bool checkpointing)
        {
            model.GradientCheckpointing = checkpointing;
            model.zero_grad();
            using var forced = Fp32Kernels.ForceOnThisThread(kernel);
            using (var output = BatchForward.Run(model, batch, TrainingFixtures.Arguments(caseName)))
            {
                BatchForward.LossOf(output)!.backward();
            }
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var before = Fp32Kernels.ProductsOnThisThread(kernel);
        var recomputedBefore = ActivationCheckpoint.RecomputedLayers;
        var kept = Gradients(checkpointing: false);
        var recomputed = Gradients(checkpointing: true);
        Assert.True(ActivationCheckpoint.RecomputedLayers > recomputedBefore, "no layer was recomputed");
        Assert.True(Fp32Kernels.ProductsOnThisThread(kernel) > before, $"no product ran on {kernelName}");
        var expected = TrainingFixtures.Expected(caseName);
        var (atol, rtol) = TrainingFixtures.Tolerance(caseName, "grad");
        foreach (var (name, grad) in kept)
        {
            Assert.True(TrainingFixtures.Close(recomputed[name], grad, 1e-6, 1e-5), $"{name}: checkpointed gradient differs on {kernelName}");
            Assert.True(TrainingFixtures.Close(grad, expected[$"step0.grad.{name}"], atol, rtol), $"{name}: gradient on {kernelName} differs from PyTorch's");
        }
    }

    private static void AssertClose(Tensor? expected, Tensor? got, string what, double absolute = 0)
    {
        if (expected is null || got is null)
        {
            Assert.True(expected is null && got is null, $"{what}: one kernel computed it, the other did not");
            return;
        }
        Assert.Equal(expected.shape, got.shape);
        if (expected.numel() == 0)
        {
            return;
        }
        // Within 1e-5 of the largest magnitude: only the summation order differs between the kernels.
        var scale = Math.Max(expected.abs().max().item<float>(), 1e-6f);
        var error = (got - expected).abs().max().item<float>();
        Assert.True(error <= 1e-5 * scale + absolute, $"{what}: max error {error:g3} against libtorch (scale {scale:g3})");
    }
}
