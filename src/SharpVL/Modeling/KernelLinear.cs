using SharpVL.Runtime.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>
/// A Linear layer (<c>weight</c> [out, in], optional <c>bias</c> [out], as <c>torch.nn.Linear</c>, same state-dict names
/// and initialization) whose float32 CPU products run on the kernel <see cref="Fp32Kernels"/> chose, in inference and in
/// training alike: with gradients enabled the forward and both backward products (<c>grad·weight</c>,
/// <c>gradᵀ·input</c>) run on that kernel through a custom autograd node with PyTorch's gradients. Other dtypes (bf16
/// training included) and devices use libtorch's <c>linear</c>.
/// </summary>
/// <remarks>
/// For oneDNN inference the weight is also kept as a oneDNN tensor, made on first use and dropped when a forward runs
/// with gradients enabled (training reads the weight itself), the weight moves, or <see cref="PreTrainedModel.LoadWeights"/> loads new values. Code that
/// edits a weight in place without gradients must call <see cref="ReleasePackedWeight"/>.
/// </remarks>
public sealed class KernelLinear : nn.Module<Tensor, Tensor>
{
    private Tensor? _packed;
    private IntPtr _packedFrom;

    /// <summary>Creates the layer, initialized as <c>torch.nn.Linear</c> (Kaiming-uniform weight, uniform bias).</summary>
    public KernelLinear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(KernelLinear))
    {
        using var template = nn.Linear(inFeatures, outFeatures, hasBias);
        using (no_grad())
        {
            register_parameter("weight", new Parameter(template.weight!.detach().clone()));
            if (hasBias)
            {
                register_parameter("bias", new Parameter(template.bias!.detach().clone()));
            }
        }
    }

    /// <summary>The weight [out, in].</summary>
    public Parameter Weight => get_parameter("weight")!;

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias => get_parameter("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Apply(input, Bias);

    /// <summary>
    /// <c>input·weightᵀ + bias</c> with another bias than the layer's own (or none), on the same kernel: for layers whose
    /// bias is stored elsewhere (VideoMAE's separate <c>q_bias</c>/<c>v_bias</c>).
    /// </summary>
    public Tensor Apply(Tensor input, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        var weight = Weight;
        var kernel = Fp32Kernels.For(input, weight, bias);
        if (is_grad_enabled())
        {
            // Training updates weights in place (same address), so no oneDNN copy may outlive a gradient-enabled forward.
            ReleasePackedWeight();
            if (kernel != Fp32Kernel.Libtorch && (input.requires_grad || weight.requires_grad || bias?.requires_grad == true))
            {
                // The node counts its products itself (forward and backward).
                return KernelLinearFunction.Linear(kernel, input, weight, bias);
            }
            if (kernel == Fp32Kernel.OneDnn)
            {
                // Nothing to record (a frozen layer on an input without gradient): the product alone, on the weight itself.
                Fp32Kernels.Count(kernel);
                return OneDnnLinear.Linear(input, weight, bias);
            }
        }
        Fp32Kernels.Count(kernel);
        return kernel switch
        {
            Fp32Kernel.OneDnn => OneDnnLinear.Linear(input, PackedWeight(weight), bias),
            Fp32Kernel.DnnlSgemm => DnnlSgemm.Linear(input, weight, bias),
            _ => nn.functional.linear(input, weight, bias),
        };
    }

    /// <summary>Drops the oneDNN copy of the weight (it is made again on the next oneDNN forward).</summary>
    public void ReleasePackedWeight()
    {
        _packed?.Dispose();
        _packed = null;
        _packedFrom = IntPtr.Zero;
    }

    private Tensor PackedWeight(Tensor weight)
    {
        var address = NativeTensorMemory.DataPointer(weight);
        if (_packed is null || _packedFrom != address)
        {
            ReleasePackedWeight();
            _packed = OneDnnLinear.Pack(weight).DetachFromDisposeScope();
            _packedFrom = address;
        }
        return _packed;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleasePackedWeight();
        }
        base.Dispose(disposing);
    }
}
