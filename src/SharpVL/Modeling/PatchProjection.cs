using SharpVL.Runtime.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>
/// Patch embedding: a convolution whose stride equals its kernel (ViT, CLIP, VideoMAE tubelets, TVLT), turning
/// [B, C, *spatial] into tokens [B, patches, out] in row-major patch order. In CPU inference the patches are cut out and
/// multiplied by the flattened weight on the Linear layers' kernel (the same products and sums as the convolution,
/// on the faster GEMM: libtorch's bf16 3-D convolution ran at a fraction of its bf16 GEMM rate here); with gradients,
/// and on other devices, it is libtorch's convolution.
/// </summary>
public static class PatchProjection
{
    /// <summary>Tokens [B, patches, out] of <paramref name="input"/> [B, C, S₁, S₂(, S₃)] under <paramref name="weight"/> [out, C, K₁, K₂(, K₃)].</summary>
    public static Tensor Tokens(Tensor input, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var spatial = (int)weight.dim() - 2;
        if (spatial is not (2 or 3) || input.dim() != spatial + 2)
        {
            throw new ArgumentException($"A {spatial}-D patch projection needs a [batch, channels, {spatial} sizes] input, got [{string.Join(", ", input.shape)}].");
        }
        var kernelSize = weight.shape[2..];
        using var scope = NewDisposeScope();
        if (is_grad_enabled() || input.device_type != DeviceType.CPU)
        {
            var convolved = spatial == 2
                ? nn.functional.conv2d(input, weight, bias, strides: kernelSize)
                : nn.functional.conv3d(input, weight, bias, strides: kernelSize);
            return convolved.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
        }
        // [B, C, n₁·K₁, …] → [B, C, n₁, K₁, …] → [B, n₁, …, C, K₁, …] → [B, n₁·…, C·K₁·…]; a convolution drops the remainder
        var counts = new long[spatial];
        var cropped = input;
        var split = new List<long> { input.shape[0], input.shape[1] };
        for (var i = 0; i < spatial; i++)
        {
            counts[i] = input.shape[2 + i] / kernelSize[i];
            cropped = cropped.narrow(2 + i, 0, counts[i] * kernelSize[i]);
            split.Add(counts[i]);
            split.Add(kernelSize[i]);
        }
        long[] order = spatial == 2 ? [0, 2, 4, 1, 3, 5] : [0, 2, 4, 6, 1, 3, 5, 7];
        var patches = cropped.reshape([.. split]).permute(order).reshape(input.shape[0], counts.Aggregate(1L, (a, b) => a * b), -1);
        var flatWeight = weight.reshape(weight.shape[0], -1);
        var kernel = Fp32Kernels.For(patches, flatWeight, bias);  // libtorch for bf16
        var tokens = Fp32Kernels.Linear(kernel, patches, Fp32Kernels.PrepareWeight(kernel, flatWeight), bias);
        return tokens.MoveToOuterDisposeScope();
    }
}
