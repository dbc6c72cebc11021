using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// Output of one AltCLIP tower (Transformers' <c>BaseModelOutputWithPooling</c> /
/// <c>BaseModelOutputWithPoolingAndProjection</c>).
/// </summary>
/// <param name="LastHiddenState">
/// Vision: the last encoder layer's tokens [B, N + 1, D]. Text: the projection state
/// <c>transformation(pre_LN(roberta output))</c> [B, T, project_dim].
/// </param>
/// <param name="PoolerOutput">Vision: <c>post_layernorm(CLS)</c>; text: token 0 of the projection state.</param>
/// <param name="HiddenStates">Embeddings plus each encoder layer's output (text: RoBERTa's, width hidden_size), when requested.</param>
/// <param name="Attentions">Each layer's attention probabilities, when requested.</param>
public sealed record AltCLIPTowerOutput(
    Tensor LastHiddenState, Tensor PoolerOutput, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;

/// <summary>Output of <see cref="AltCLIPModel.Forward"/> (Transformers' <c>AltCLIPOutput</c>).</summary>
/// <param name="Loss">Symmetric contrastive loss (with <c>return_loss</c>; needs as many images as texts).</param>
/// <param name="LogitsPerImage">Scaled cosine similarities [images, texts].</param>
/// <param name="LogitsPerText">Its transpose [texts, images].</param>
/// <param name="TextEmbeds">L2-normalised text embeddings [texts, projection_dim].</param>
/// <param name="ImageEmbeds">L2-normalised image embeddings [images, projection_dim].</param>
/// <param name="TextModelOutput">The text tower's output.</param>
/// <param name="VisionModelOutput">The vision tower's output.</param>
public sealed record AltCLIPOutput(
    Tensor? Loss, Tensor LogitsPerImage, Tensor LogitsPerText, Tensor TextEmbeds, Tensor ImageEmbeds,
    AltCLIPTowerOutput TextModelOutput, AltCLIPTowerOutput VisionModelOutput)
    : ModelOutput;
