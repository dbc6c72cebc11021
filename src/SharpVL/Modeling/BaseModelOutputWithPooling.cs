using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>
/// An encoder output with a pooled vector (Transformers' <c>BaseModelOutputWithPooling</c>), as the X-CLIP and AltCLIP
/// towers and X-CLIP's MIT return it.
/// </summary>
/// <param name="LastHiddenState">
/// Output of the last layer ([batch, tokens, width]); for AltCLIP's text tower the projection state
/// <c>transformation(pre_LN(roberta output))</c> [batch, tokens, project_dim].
/// </param>
/// <param name="PoolerOutput">The pooled vector per sequence ([batch, width]).</param>
/// <param name="HiddenStates">Embeddings plus each layer's output, when requested.</param>
/// <param name="Attentions">Each layer's attention probabilities, when requested.</param>
public sealed record BaseModelOutputWithPooling(
    Tensor LastHiddenState, Tensor PoolerOutput, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;
