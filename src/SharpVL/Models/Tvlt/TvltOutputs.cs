using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>Output of <see cref="TvltModel"/> (<c>TvltModelOutput</c>).</summary>
/// <param name="LastHiddenState">[B, 1 + pixel tokens + audio tokens, hidden] after the final LayerNorm (if any).</param>
/// <param name="LastPixelHiddenState">The (kept) pixel tokens of <paramref name="LastHiddenState"/>.</param>
/// <param name="LastAudioHiddenState">The (kept) audio tokens of <paramref name="LastHiddenState"/>.</param>
/// <param name="PixelLabelMasks">With pixel masking: 1 for removed pixel tokens (times the padding mask).</param>
/// <param name="AudioLabelMasks">With audio masking: 1 for removed audio tokens (times the padding mask).</param>
/// <param name="PixelIdsRestore">With pixel masking: the permutation that unshuffles pixel tokens.</param>
/// <param name="AudioIdsRestore">With audio masking: the permutation that unshuffles audio tokens.</param>
/// <param name="HiddenStates">Embeddings plus each layer's output, when requested.</param>
/// <param name="Attentions">Each layer's attention probabilities, when requested.</param>
public sealed record TvltModelOutput(
    Tensor LastHiddenState, Tensor LastPixelHiddenState, Tensor LastAudioHiddenState,
    Tensor? PixelLabelMasks = null, Tensor? AudioLabelMasks = null, Tensor? PixelIdsRestore = null, Tensor? AudioIdsRestore = null,
    IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null) : ModelOutput;

/// <summary>Output of <see cref="TvltForPreTraining"/> (<c>TvltForPreTrainingOutput</c>).</summary>
/// <param name="Loss">Matching BCE loss plus (training mode) pixel and audio MAE losses.</param>
/// <param name="MatchingLogits">[B, 1] audio-video matching logits (with task_matching).</param>
/// <param name="PixelLogits">Training mode: [B, pixel tokens, p·q·C] reconstructed pixel patches.</param>
/// <param name="AudioLogits">Training mode: [B, audio tokens, p·q·C] reconstructed spectrogram patches.</param>
/// <param name="HiddenStates">Encoder hidden states of the last encoder pass (the masked one in training mode).</param>
/// <param name="Attentions">Encoder attentions of the last encoder pass.</param>
public sealed record TvltForPreTrainingOutput(
    Tensor? Loss, Tensor? MatchingLogits, Tensor? PixelLogits = null, Tensor? AudioLogits = null,
    IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null) : ModelOutput;
