using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>Output of <see cref="XCLIPModel.Forward"/> (Transformers' <c>XCLIPOutput</c>).</summary>
/// <param name="Loss">Contrastive loss, when requested (needs as many videos as texts).</param>
/// <param name="LogitsPerVideo">Scaled cosine similarities [videos, texts].</param>
/// <param name="LogitsPerText">The transpose of <paramref name="LogitsPerVideo"/> [texts, videos].</param>
/// <param name="TextEmbeds">L2-normalised, video-specific text embeddings [videos, texts, projection_dim].</param>
/// <param name="VideoEmbeds">L2-normalised video embeddings [videos, projection_dim].</param>
/// <param name="TextModelOutput">The text tower's output.</param>
/// <param name="VisionModelOutput">The vision tower's output (per frame: [videos·frames, tokens, width]).</param>
/// <param name="MitOutput">The Multiframe Integration Transformer's output.</param>
public sealed record XCLIPOutput(
    Tensor? Loss, Tensor LogitsPerVideo, Tensor LogitsPerText, Tensor TextEmbeds, Tensor VideoEmbeds,
    BaseModelOutputWithPooling TextModelOutput, BaseModelOutputWithPooling VisionModelOutput, BaseModelOutputWithPooling MitOutput)
    : ModelOutput;

/// <summary>
/// The per-video part of X-CLIP's scoring, computed once per video and reusable against any set of texts (see
/// <see cref="XCLIPModel.EncodeVideos"/> and <see cref="XCLIPModel.ScoreVideos"/>).
/// </summary>
/// <param name="VideoEmbeds">Un-normalised video embeddings (MIT pooled output) [videos, projection_dim].</param>
/// <param name="PromptVisualFeatures">Projected patch features averaged over frames, the prompt generator's keys/values [videos, patches, projection_dim].</param>
public sealed record XCLIPVideoEncoding(Tensor VideoEmbeds, Tensor PromptVisualFeatures) : ModelOutput;

/// <summary>Helpers shared by the X-CLIP models' forward methods.</summary>
internal static class XCLIPOutputScopes
{
    /// <summary>
    /// Moves every distinct tensor of <paramref name="output"/> out of the current dispose scope exactly once (the
    /// same tensor can be both <c>last_hidden_state</c> and the last <c>hidden_states</c> entry; moving it twice
    /// would lift it past the caller's scope).
    /// </summary>
    public static void MoveOnceToOuterScope(ModelOutput output)
    {
        foreach (var tensor in output.Flatten().Select(p => p.Value).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>())
        {
            tensor.MoveToOuterDisposeScope();
        }
    }
}
