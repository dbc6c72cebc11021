using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// X-CLIP's text tower (<c>text_model</c>): embeddings, a causal pre-LN CLIP encoder, <c>final_layer_norm</c>, and
/// pooling at the end-of-text token, found as the FIRST position of the largest id in each row (4.27.1's
/// <c>input_ids.argmax(-1)</c>; with <c>&lt;|endoftext|&gt;</c> padding that is the first end token).
/// </summary>
internal sealed class XCLIPTextTransformer : nn.Module
{
    private readonly XCLIPTextEmbeddings embeddings;
    private readonly CLIPEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    public XCLIPTextTransformer(XCLIPTextConfig config) : base(nameof(XCLIPTextTransformer))
    {
        embeddings = new XCLIPTextEmbeddings(config);
        encoder = new CLIPEncoder(
            new CLIPLayerSettings(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.HiddenAct, config.LayerNormEps,
                config.AttentionDropout),
            config.NumHiddenLayers);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the tower; tensors are created in the caller's dispose scope.</summary>
    public BaseModelOutputWithPooling Forward(
        Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, bool outputAttentions, bool outputHiddenStates, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2 || inputIds.shape[0] == 0 || inputIds.shape[1] == 0)
        {
            throw new ArgumentException(
                $"input_ids must be a non-empty [batch, length] tensor, got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        }
        if (attentionMask is not null && !attentionMask.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException(
                $"attention_mask [{string.Join(", ", attentionMask.shape)}] must have the shape of input_ids [{string.Join(", ", inputIds.shape)}].",
                nameof(attentionMask));
        }
        if (positionIds is not null && (positionIds.dim() != 2 || positionIds.shape[1] != inputIds.shape[1]))
        {
            throw new ArgumentException(
                $"position_ids must be [batch or 1, {inputIds.shape[1]}], got [{string.Join(", ", positionIds.shape)}].", nameof(positionIds));
        }
        var ids = inputIds.to(ScalarType.Int64);
        var (batch, length) = (ids.shape[0], ids.shape[1]);
        var hidden = embeddings.Forward(ids, positionIds?.to(ScalarType.Int64));
        // Causal and padding masks are both finfo.min where they mask; their sum is what 4.27.1 adds in two steps.
        var mask = AttentionMasks.Causal(batch, length, dtype, hidden.device);
        if (attentionMask is not null)
        {
            mask = mask + AttentionMasks.ExpandPadding(attentionMask.to(hidden.device), dtype);
        }
        var encoded = encoder.Forward(hidden, mask, outputAttentions, outputHiddenStates);
        var last = final_layer_norm.call(encoded.LastHiddenState);
        var pooled = last[arange(batch, device: last.device), FirstArgMax(ids)];
        return new BaseModelOutputWithPooling(last, pooled, encoded.HiddenStates, encoded.Attentions);
    }

    /// <summary>Index of the first maximum of each row, independent of how a backend breaks argmax ties.</summary>
    private static Tensor FirstArgMax(Tensor ids)
    {
        var length = ids.shape[1];
        var isMax = ids.eq(ids.amax([1], keepdim: true));
        var positions = arange(length, dtype: ScalarType.Int64, device: ids.device).expand_as(ids);
        return positions.masked_fill(isMax.logical_not(), length).amin([1]);
    }
}
