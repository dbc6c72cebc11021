using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.ViT;

/// <summary>Output projection after self-attention (<c>attention.output.dense</c>); the residual is added by the layer.</summary>
public sealed class ViTSelfOutput : nn.Module<Tensor, Tensor>
{
    private readonly KernelLinear dense;
    private readonly Dropout dropout;

    /// <summary>Creates the projection.</summary>
    public ViTSelfOutput(int hiddenSize, double hiddenDropout = 0) : base(nameof(ViTSelfOutput))
    {
        dense = new KernelLinear(hiddenSize, hiddenSize);
        dropout = nn.Dropout(hiddenDropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var projected = dense.call(input);
        return dropout.call(projected);
    }
}

/// <summary>Self-attention plus its output projection (<c>attention.attention</c>, <c>attention.output</c>).</summary>
public sealed class ViTAttention : nn.Module
{
    private readonly ViTSelfAttention attention;
    private readonly ViTSelfOutput output;

    /// <summary>Creates the block.</summary>
    public ViTAttention(ViTLayerSettings settings) : base(nameof(ViTAttention))
    {
        ArgumentNullException.ThrowIfNull(settings);
        attention = new ViTSelfAttention(settings);
        output = new ViTSelfOutput(settings.HiddenSize, settings.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>Returns the projected attention output and optionally the probabilities.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(Tensor hiddenStates, Tensor? additiveMask, Tensor? headMask, bool outputAttentions)
    {
        var (context, probabilities) = attention.Forward(hiddenStates, additiveMask, headMask, outputAttentions);
        using (context)
        {
            return (output.call(context), probabilities);
        }
    }
}

/// <summary>First feed-forward projection with its activation (<c>intermediate.dense</c>).</summary>
public sealed class ViTIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly KernelLinear dense;
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates the projection.</summary>
    public ViTIntermediate(int hiddenSize, int intermediateSize, string activation) : base(nameof(ViTIntermediate))
    {
        dense = new KernelLinear(hiddenSize, intermediateSize);
        _activation = Activations.Get(activation);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var projected = dense.call(input);
        return _activation(projected);
    }
}

/// <summary>Second feed-forward projection plus the residual (<c>output.dense</c>).</summary>
public sealed class ViTOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly KernelLinear dense;
    private readonly Dropout dropout;

    /// <summary>Creates the projection.</summary>
    public ViTOutput(int intermediateSize, int hiddenSize, double hiddenDropout = 0) : base(nameof(ViTOutput))
    {
        dense = new KernelLinear(intermediateSize, hiddenSize);
        dropout = nn.Dropout(hiddenDropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hiddenStates, Tensor residual)
    {
        using var projected = dense.call(hiddenStates);
        using var dropped = dropout.call(projected);
        return dropped.add(residual);
    }
}

/// <summary>
/// A pre-LayerNorm transformer layer: <c>x + attn(layernorm_before(x))</c>, then
/// <c>h + mlp(layernorm_after(h))</c>.
/// </summary>
public sealed class ViTLayer : nn.Module, IEncoderLayer
{
    private readonly ViTAttention attention;
    private readonly ViTIntermediate intermediate;
    private readonly ViTOutput output;
    private readonly LayerNorm layernorm_before;
    private readonly LayerNorm layernorm_after;

    /// <summary>Creates the layer.</summary>
    public ViTLayer(ViTLayerSettings settings) : base(nameof(ViTLayer))
    {
        ArgumentNullException.ThrowIfNull(settings);
        attention = new ViTAttention(settings);
        intermediate = new ViTIntermediate(settings.HiddenSize, settings.IntermediateSize, settings.HiddenAct);
        output = new ViTOutput(settings.IntermediateSize, settings.HiddenSize, settings.HiddenDropout);
        layernorm_before = nn.LayerNorm(settings.HiddenSize, settings.LayerNormEps);
        layernorm_after = nn.LayerNorm(settings.HiddenSize, settings.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the layer; returns its output and, when requested, the attention probabilities.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hiddenStates, Tensor? additiveMask = null, Tensor? headMask = null, bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var (attended, probabilities) = attention.Forward(layernorm_before.call(hiddenStates), additiveMask, headMask, outputAttentions);
        var residual = attended.add_(hiddenStates);
        var result = output.call(intermediate.call(layernorm_after.call(residual)), residual);
        result.MoveToOuterDisposeScope();
        probabilities?.MoveToOuterDisposeScope();
        return (result, probabilities);
    }
}
