using SharpVL.Modeling.ViT;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.Roberta;

/// <summary>BERT's post-LayerNorm residual block: <c>LayerNorm(dense(x) + residual)</c> (<c>dense</c>, <c>LayerNorm</c>).</summary>
public sealed class RobertaResidualOutput : nn.Module
{
    private readonly KernelLinear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    /// <summary>
    /// Creates the block projecting <paramref name="inputSize"/> back to <paramref name="hiddenSize"/>, with
    /// <paramref name="hiddenDropout"/> on the projection in training mode.
    /// </summary>
    public RobertaResidualOutput(int inputSize, int hiddenSize, double layerNormEps, double hiddenDropout = 0) : base(nameof(RobertaResidualOutput))
    {
        dense = new KernelLinear(inputSize, hiddenSize);
        LayerNorm = nn.LayerNorm(hiddenSize, layerNormEps);
        dropout = nn.Dropout(hiddenDropout);
        RegisterComponents();
    }

    /// <summary>Returns <c>LayerNorm(dropout(dense(hiddenStates)) + residual)</c>.</summary>
    public Tensor Forward(Tensor hiddenStates, Tensor residual)
    {
        using var projected = dense.call(hiddenStates);
        using var dropped = dropout.call(projected);
        using var summed = dropped.add_(residual);
        return LayerNorm.call(summed);
    }
}

/// <summary>RoBERTa's attention block: <c>self</c> (query/key/value with biases) and <c>output</c> (dense + post-LN).</summary>
public sealed class RobertaAttention : nn.Module
{
    private readonly ViTSelfAttention self;
    private readonly RobertaResidualOutput output;

    /// <summary>Creates the block.</summary>
    public RobertaAttention(RobertaSettings settings) : base(nameof(RobertaAttention))
    {
        ArgumentNullException.ThrowIfNull(settings);
        // BERT's self-attention is ViT's with a bias on each projection: same names, same maths.
        self = new ViTSelfAttention(new ViTLayerSettings(
            settings.HiddenSize, settings.NumAttentionHeads, settings.IntermediateSize, settings.HiddenAct,
            settings.LayerNormEps, QkvBiasStyle.LinearBias, AttentionDropout: settings.AttentionDropout));
        output = new RobertaResidualOutput(settings.HiddenSize, settings.HiddenSize, settings.LayerNormEps, settings.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>Attends and applies the residual LayerNorm; returns the output and optionally the probabilities.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hiddenStates, Tensor? additiveMask = null, Tensor? headMask = null, bool outputAttentions = false)
    {
        var (context, probabilities) = self.Forward(hiddenStates, additiveMask, headMask, outputAttentions);
        using (context)
        {
            return (output.Forward(context, hiddenStates), probabilities);
        }
    }
}

/// <summary>RoBERTa's feed-forward expansion (<c>dense</c> + activation).</summary>
public sealed class RobertaIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly KernelLinear dense;
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates the block.</summary>
    public RobertaIntermediate(int hiddenSize, int intermediateSize, string hiddenAct) : base(nameof(RobertaIntermediate))
    {
        dense = new KernelLinear(hiddenSize, intermediateSize);
        _activation = Activations.Get(hiddenAct);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var projected = dense.call(input);
        return _activation(projected);
    }
}

/// <summary>A post-LayerNorm RoBERTa/BERT layer: <c>attention</c>, <c>intermediate</c>, <c>output</c>.</summary>
public sealed class RobertaLayer : nn.Module, IEncoderLayer
{
    private readonly RobertaAttention attention;
    private readonly RobertaIntermediate intermediate;
    private readonly RobertaResidualOutput output;

    /// <summary>Creates the layer.</summary>
    public RobertaLayer(RobertaSettings settings) : base(nameof(RobertaLayer))
    {
        ArgumentNullException.ThrowIfNull(settings);
        attention = new RobertaAttention(settings);
        intermediate = new RobertaIntermediate(settings.HiddenSize, settings.IntermediateSize, settings.HiddenAct);
        output = new RobertaResidualOutput(settings.IntermediateSize, settings.HiddenSize, settings.LayerNormEps, settings.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>Runs the layer on [B, T, D]; <paramref name="additiveMask"/> is the extended padding mask.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hiddenStates, Tensor? additiveMask = null, Tensor? headMask = null, bool outputAttentions = false)
    {
        var (attended, probabilities) = attention.Forward(hiddenStates, additiveMask, headMask, outputAttentions);
        using (attended)
        {
            using var expanded = intermediate.call(attended);
            return (output.Forward(expanded, attended), probabilities);
        }
    }
}
