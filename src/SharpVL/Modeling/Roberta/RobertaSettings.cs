namespace SharpVL.Modeling.Roberta;

/// <summary>Shape of a RoBERTa / XLM-R encoder (the fields of a <c>RobertaConfig</c> the encoder reads).</summary>
/// <param name="VocabSize">Rows of <c>word_embeddings</c>.</param>
/// <param name="HiddenSize">Token width.</param>
/// <param name="NumHiddenLayers">Encoder layers.</param>
/// <param name="NumAttentionHeads">Attention heads (must divide the width).</param>
/// <param name="IntermediateSize">Feed-forward width.</param>
/// <param name="HiddenAct">Feed-forward activation (<c>gelu</c> = exact erf GELU).</param>
/// <param name="MaxPositionEmbeddings">Rows of <c>position_embeddings</c>.</param>
/// <param name="TypeVocabSize">Rows of <c>token_type_embeddings</c>.</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm.</param>
/// <param name="PadTokenId">Padding id: positions count from <c>PadTokenId + 1</c> and pads get position <c>PadTokenId</c>.</param>
/// <param name="HiddenDropout">Dropout after the embeddings and each dense projection (<c>hidden_dropout_prob</c>), in training only.</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities (<c>attention_probs_dropout_prob</c>), in training only.</param>
public sealed record RobertaSettings(
    int VocabSize, int HiddenSize, int NumHiddenLayers, int NumAttentionHeads, int IntermediateSize, string HiddenAct,
    int MaxPositionEmbeddings, int TypeVocabSize, double LayerNormEps, long PadTokenId,
    double HiddenDropout = 0, double AttentionDropout = 0);
