using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>Output of the pre-training decoder (<c>VideoMAEDecoderOutput</c>).</summary>
/// <param name="Logits">Reconstructed pixels of the masked patches [B, masked, tubelet·p²·C].</param>
/// <param name="HiddenStates">Decoder hidden states, when requested.</param>
/// <param name="Attentions">Decoder attentions, when requested.</param>
public sealed record VideoMAEDecoderOutput(Tensor Logits, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;

/// <summary>Output of <see cref="VideoMAEForPreTraining"/> (<c>VideoMAEForPreTrainingOutput</c>).</summary>
/// <param name="Loss">Mean squared reconstruction error over the masked patches.</param>
/// <param name="Logits">Reconstructed pixels of the masked patches.</param>
/// <param name="HiddenStates">Encoder hidden states, when requested.</param>
/// <param name="Attentions">Encoder attentions, when requested.</param>
public sealed record VideoMAEForPreTrainingOutput(
    Tensor? Loss, Tensor Logits, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;
