using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.ViT;

/// <summary>Multi-head self-attention with <c>query</c>/<c>key</c>/<c>value</c> projections (state-dict names of ViT-style models).</summary>
public sealed class ViTSelfAttention : nn.Module
{
    private readonly KernelLinear query;
    private readonly KernelLinear key;
    private readonly KernelLinear value;
    private readonly Parameter? q_bias;
    private readonly Parameter? v_bias;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _attentionDropout;

    /// <summary>Creates the projections for <paramref name="settings"/>.</summary>
    public ViTSelfAttention(ViTLayerSettings settings) : base(nameof(ViTSelfAttention))
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.HiddenSize % settings.NumAttentionHeads != 0)
        {
            throw new ArgumentException(
                $"The hidden size ({settings.HiddenSize}) is not a multiple of the number of attention heads ({settings.NumAttentionHeads}).");
        }
        _heads = settings.NumAttentionHeads;
        _headSize = settings.HiddenSize / settings.NumAttentionHeads;
        _attentionDropout = settings.AttentionDropout;
        var linearBias = settings.Bias == QkvBiasStyle.LinearBias;
        query = new KernelLinear(settings.HiddenSize, settings.HiddenSize, hasBias: linearBias);
        key = new KernelLinear(settings.HiddenSize, settings.HiddenSize, hasBias: linearBias);
        value = new KernelLinear(settings.HiddenSize, settings.HiddenSize, hasBias: linearBias);
        if (settings.Bias == QkvBiasStyle.SeparateQueryValueBias)
        {
            q_bias = nn.Parameter(zeros(settings.HiddenSize));
            v_bias = nn.Parameter(zeros(settings.HiddenSize));
        }
        RegisterComponents();
    }

    /// <summary>Attends over <paramref name="hiddenStates"/> [B, T, D]; returns the context [B, T, D] and optionally the probabilities.</summary>
    public (Tensor Context, Tensor? Probabilities) Forward(
        Tensor hiddenStates, Tensor? additiveMask = null, Tensor? headMask = null, bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var q = Project(hiddenStates, query, q_bias);
        var k = Project(hiddenStates, key, null);
        var v = Project(hiddenStates, value, v_bias);
        var (context, probabilities) = AttentionKernels.Attend(
            q, k, v, additiveMask: additiveMask, headMask: headMask, returnProbabilities: outputAttentions,
            dropout: training ? _attentionDropout : 0);
        var merged = context.transpose(1, 2).reshape(hiddenStates.shape[0], hiddenStates.shape[1], _heads * _headSize);
        merged.MoveToOuterDisposeScope();
        probabilities?.MoveToOuterDisposeScope();
        return (merged, probabilities);
    }

    private Tensor Project(Tensor x, KernelLinear projection, Tensor? extraBias)
    {
        var projected = extraBias is null ? projection.call(x) : projection.Apply(x, extraBias);
        return projected.view(x.shape[0], x.shape[1], _heads, _headSize).transpose(1, 2);
    }
}
