using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>Token plus learned position embeddings of the text tower (<c>token_embedding</c>, <c>position_embedding</c>).</summary>
internal sealed class XCLIPTextEmbeddings : nn.Module
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;
    private readonly int _vocabSize;
    private readonly int _maxPositions;

    public XCLIPTextEmbeddings(XCLIPTextConfig config) : base(nameof(XCLIPTextEmbeddings))
    {
        _vocabSize = config.VocabSize;
        _maxPositions = config.MaxPositionEmbeddings;
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>Embeds [batch, length] ids; positions default to 0..length-1.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? positionIds)
    {
        var length = inputIds.shape[1];
        if (length > _maxPositions && positionIds is null)
        {
            throw new ArgumentException(
                $"input_ids has {length} tokens but the text model has only {_maxPositions} positions (max_position_embeddings); " +
                "tokenize with truncation.");
        }
        IndexRange.Check(inputIds, _vocabSize, "input_ids", "vocab_size");
        using var scope = NewDisposeScope();
        var positions = positionIds ?? arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        IndexRange.Check(positions, _maxPositions, "position_ids", "max_position_embeddings");
        var embedded = token_embedding.call(inputIds).add_(position_embedding.call(positions));
        return embedded.MoveToOuterDisposeScope();
    }
}
