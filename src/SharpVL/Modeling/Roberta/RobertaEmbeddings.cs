using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.Roberta;

/// <summary>
/// RoBERTa's embeddings: <c>LayerNorm(word + token_type + position)</c> with absolute positions derived from the padding
/// (<c>word_embeddings</c>, <c>position_embeddings</c>, <c>token_type_embeddings</c>, <c>LayerNorm</c>).
/// </summary>
public sealed class RobertaEmbeddings : nn.Module
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly RobertaSettings _settings;

    /// <summary>Creates the tables for <paramref name="settings"/>.</summary>
    public RobertaEmbeddings(RobertaSettings settings) : base(nameof(RobertaEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        word_embeddings = nn.Embedding(settings.VocabSize, settings.HiddenSize, padding_idx: settings.PadTokenId);
        position_embeddings = nn.Embedding(settings.MaxPositionEmbeddings, settings.HiddenSize, padding_idx: settings.PadTokenId);
        token_type_embeddings = nn.Embedding(settings.TypeVocabSize, settings.HiddenSize);
        LayerNorm = nn.LayerNorm(settings.HiddenSize, settings.LayerNormEps);
        dropout = nn.Dropout(settings.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>
    /// fairseq's <c>make_positions</c>: <c>cumsum(ids ≠ pad) · (ids ≠ pad) + pad</c>, so the first real token gets
    /// <c>pad + 1</c> and every padding token gets <c>pad</c> (wherever it sits).
    /// </summary>
    public static Tensor CreatePositionIds(Tensor inputIds, long padTokenId)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var mask = inputIds.ne(padTokenId).to(ScalarType.Int32);
        var positions = mask.cumsum(1, ScalarType.Int32).mul_(mask).to(ScalarType.Int64).add_(padTokenId);
        return positions.MoveToOuterDisposeScope();
    }

    /// <summary>Embeds <paramref name="inputIds"/> [B, T] into [B, T, D].</summary>
    /// <param name="inputIds">Token ids.</param>
    /// <param name="tokenTypeIds">Segment ids (default: all 0).</param>
    /// <param name="positionIds">Position ids (default: <see cref="CreatePositionIds"/>).</param>
    public Tensor Forward(Tensor inputIds, Tensor? tokenTypeIds = null, Tensor? positionIds = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
        {
            throw new ArgumentException($"input_ids must be [batch, sequence], got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        }
        IndexRange.Check(inputIds, _settings.VocabSize, "input_ids", "vocab_size");
        using var scope = NewDisposeScope();
        var positions = positionIds ?? CreatePositionIds(inputIds, _settings.PadTokenId);
        CheckShape(positions, inputIds, "position_ids");
        IndexRange.Check(positions, _settings.MaxPositionEmbeddings, "position_ids", "max_position_embeddings");
        var types = tokenTypeIds ?? zeros_like(inputIds);
        CheckShape(types, inputIds, "token_type_ids");
        IndexRange.Check(types, _settings.TypeVocabSize, "token_type_ids", "type_vocab_size");
        var embeddings = word_embeddings.call(inputIds).add_(token_type_embeddings.call(types)).add_(position_embeddings.call(positions));
        return dropout.call(LayerNorm.call(embeddings)).MoveToOuterDisposeScope();
    }

    private static void CheckShape(Tensor ids, Tensor inputIds, string name)
    {
        if (!ids.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", ids.shape)}] but input_ids has [{string.Join(", ", inputIds.shape)}].");
        }
    }
}
