using SharpVL.Modeling.Clip;
using static TorchSharp.torch;

namespace SharpVL.Modeling.Roberta;

/// <summary>
/// RoBERTa without a pooler (<c>RobertaModel(add_pooling_layer=False)</c>): <c>embeddings</c> then <c>encoder</c>, with
/// the padding mask turned into BERT's extended additive mask <c>(1 − m) · finfo.min</c>. Encoder-only: no cross-attention
/// or key/value cache.
/// </summary>
public sealed class RobertaBackbone : nn.Module
{
    private readonly RobertaEmbeddings embeddings;
    private readonly RobertaEncoder encoder;

    /// <summary>Creates the backbone.</summary>
    public RobertaBackbone(RobertaSettings settings) : base(nameof(RobertaBackbone))
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        embeddings = new RobertaEmbeddings(settings);
        encoder = new RobertaEncoder(settings);
        RegisterComponents();
    }

    /// <summary>The encoder's shape.</summary>
    public RobertaSettings Settings { get; }

    /// <summary>Encodes token ids; every returned tensor belongs to the caller's dispose scope.</summary>
    /// <param name="inputIds">Token ids [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, T] (default: all 1).</param>
    /// <param name="tokenTypeIds">Segment ids [B, T] (default: 0).</param>
    /// <param name="positionIds">Position ids [B, T] (default: derived from the padding).</param>
    /// <param name="headMask">[heads] or [layers, heads] multipliers of the attention probabilities.</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities.</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output.</param>
    public BaseModelOutput Forward(
        Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null, Tensor? positionIds = null,
        Tensor? headMask = null, bool outputAttentions = false, bool outputHiddenStates = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var hidden = embeddings.Forward(inputIds, tokenTypeIds, positionIds);
        Tensor? additiveMask = null;
        if (attentionMask is not null)
        {
            if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            {
                throw new ArgumentException(
                    $"attention_mask has shape [{string.Join(", ", attentionMask.shape)}] but input_ids has [{string.Join(", ", inputIds.shape)}].",
                    nameof(attentionMask));
            }
            // [B, 1, 1, T]: the same row of the mask for every query position.
            additiveMask = AttentionMasks.ExpandPadding(attentionMask.to(hidden.device), hidden.dtype, targetLength: 1);
        }
        var headMasks = AttentionKernels.PerLayerHeadMask(headMask, encoder.LayerCount, hidden.dtype);
        return encoder.Forward(hidden, additiveMask, headMasks, outputAttentions, outputHiddenStates);
    }
}
