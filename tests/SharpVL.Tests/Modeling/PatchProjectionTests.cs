using SharpVL.Modeling;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Tests.Modeling;

/// <summary>The patch projection (cut patches × flattened weight) equals libtorch's stride-equals-kernel convolution.</summary>
public class PatchProjectionTests
{
    public static TheoryData<string, long[], long[], bool> Cases()
    {
        var data = new TheoryData<string, long[], long[], bool>();
        foreach (var kernel in Fp32Kernels.Available)
        {
            data.Add(Fp32Kernels.Name(kernel), [2, 3, 4, 32, 32], [8, 3, 2, 16, 16], true);   // VideoMAE tubelets
            data.Add(Fp32Kernels.Name(kernel), [3, 3, 35, 33], [6, 3, 16, 16], false);         // remainders dropped, no bias
            data.Add(Fp32Kernels.Name(kernel), [1, 1, 64, 16], [5, 1, 16, 16], true);          // TVLT audio
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32EqualsTheConvolutionOnEveryKernel(string kernelName, long[] inputShape, long[] weightShape, bool hasBias)
    {
        manual_seed(21);
        using var input = randn(inputShape);
        using var weight = randn(weightShape);
        using var bias = hasBias ? randn(weightShape[0]) : null;
        using var expected = Convolution(input, weight, bias);
        using var forced = Fp32Kernels.ForceOnThisThread(Fp32Kernels.Parse(kernelName));
        using var inference = inference_mode();
        using var tokens = PatchProjection.Tokens(input, weight, bias);
        Assert.Equal(expected.shape, tokens.shape);
        Assert.True(tokens.allclose(expected, rtol: 1e-5, atol: 1e-4), $"max |Δ| = {(tokens - expected).abs().max().item<float>():g3}");
    }

    [Fact]
    public void BFloat16StaysWithinBFloat16RoundingOfTheConvolution()
    {
        manual_seed(22);
        using var input = randn(new long[] { 2, 3, 4, 32, 32 }).to(ScalarType.BFloat16);
        using var weight = (randn(new long[] { 8, 3, 2, 16, 16 }) * 0.05).to(ScalarType.BFloat16);
        using var bias = randn(8).to(ScalarType.BFloat16);
        using var expected = Convolution(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias.to(ScalarType.Float32));
        using var inference = inference_mode();
        using var tokens = PatchProjection.Tokens(input, weight, bias);
        Assert.Equal(ScalarType.BFloat16, tokens.dtype);
        var error = (tokens.to(ScalarType.Float32) - expected).abs().max().item<float>();
        Assert.InRange(error, 0, 0.05 * expected.abs().max().item<float>());
    }

    [Fact]
    public void WithGradientsItIsTheConvolutionAndGradientsFlow()
    {
        manual_seed(23);
        using var input = randn(1, 3, 32, 32);
        using var weight = randn(4, 3, 16, 16).requires_grad_();
        using var tokens = PatchProjection.Tokens(input, weight, null);
        using var expected = Convolution(input, weight.detach(), null);
        Assert.True(tokens.requires_grad);
        Assert.True(tokens.detach().equal(expected).all().item<bool>());
        tokens.sum().backward();
        Assert.NotNull(weight.grad);
    }

    private static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var kernel = weight.shape[2..];
        var output = weight.dim() == 4 ? nn.functional.conv2d(input, weight, bias, strides: kernel) : nn.functional.conv3d(input, weight, bias, strides: kernel);
        return output.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
