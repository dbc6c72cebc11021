using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.AltCLIP;

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
    BaseModelOutputWithPooling TextModelOutput, BaseModelOutputWithPooling VisionModelOutput)
    : ModelOutput;
