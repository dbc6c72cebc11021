using static TorchSharp.torch;

namespace SharpVL.Modeling.Clip;

/// <summary>
/// CLIP-style multi-head attention (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c>, all with bias; scale
/// head_dim^-0.5). Also usable as cross-attention by passing separate key/value inputs.
/// </summary>
public sealed class CLIPAttention : nn.Module
{
    private readonly KernelLinear q_proj;
    private readonly KernelLinear k_proj;
    private readonly KernelLinear v_proj;
    private readonly KernelLinear out_proj;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;

    /// <summary>
    /// Creates the projections for <paramref name="embedDim"/> split over <paramref name="numHeads"/> heads, with
    /// <paramref name="attentionDropout"/> on the probabilities in training mode (<c>attention_dropout</c>).
    /// </summary>
    public CLIPAttention(int embedDim, int numHeads, double attentionDropout = 0) : base(nameof(CLIPAttention))
    {
        if (embedDim % numHeads != 0)
        {
            throw new ArgumentException($"embed_dim must be divisible by num_heads (got `embed_dim`: {embedDim} and `num_heads`: {numHeads}).");
        }
        _heads = numHeads;
        _headDim = embedDim / numHeads;
        _dropout = attentionDropout;
        q_proj = new KernelLinear(embedDim, embedDim);
        k_proj = new KernelLinear(embedDim, embedDim);
        v_proj = new KernelLinear(embedDim, embedDim);
        out_proj = new KernelLinear(embedDim, embedDim);
        RegisterComponents();
    }

    /// <summary>Attends from <paramref name="hiddenStates"/> [B, T, D] to itself.</summary>
    /// <param name="hiddenStates">Tokens [B, T, D].</param>
    /// <param name="additiveMask">[B, 1, T, T] (or broadcastable) added to the scores: padding and/or causal masks, already summed.</param>
    /// <param name="outputAttentions">Return the probabilities [B, H, T, T].</param>
    public (Tensor Output, Tensor? Probabilities) Forward(Tensor hiddenStates, Tensor? additiveMask = null, bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (hiddenStates.shape[0], hiddenStates.shape[1]);
        var q = SplitHeads(q_proj.call(hiddenStates), batch, length);
        var k = SplitHeads(k_proj.call(hiddenStates), batch, length);
        var v = SplitHeads(v_proj.call(hiddenStates), batch, length);
        var (context, probabilities) = AttentionKernels.Attend(
            q, k, v, additiveMask: additiveMask, returnProbabilities: outputAttentions, dropout: training ? _dropout : 0);
        var output = out_proj.call(context.transpose(1, 2).reshape(batch, length, _heads * _headDim));
        output.MoveToOuterDisposeScope();
        probabilities?.MoveToOuterDisposeScope();
        return (output, probabilities);
    }

    private Tensor SplitHeads(Tensor x, long batch, long length) => x.view(batch, length, _heads, _headDim).transpose(1, 2);
}
