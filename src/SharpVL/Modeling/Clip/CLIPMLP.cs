using static TorchSharp.torch;

namespace SharpVL.Modeling.Clip;

/// <summary>CLIP's feed-forward block: <c>fc2(act(fc1(x)))</c>.</summary>
public sealed class CLIPMLP : nn.Module<Tensor, Tensor>
{
    private readonly KernelLinear fc1;
    private readonly KernelLinear fc2;
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates the block.</summary>
    public CLIPMLP(int hiddenSize, int intermediateSize, string hiddenAct) : base(nameof(CLIPMLP))
    {
        fc1 = new KernelLinear(hiddenSize, intermediateSize);
        fc2 = new KernelLinear(intermediateSize, hiddenSize);
        _activation = Activations.Get(hiddenAct);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = fc1.call(input);
        using var activated = _activation(hidden);
        return fc2.call(activated);
    }
}
