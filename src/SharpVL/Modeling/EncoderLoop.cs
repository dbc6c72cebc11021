using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>One layer of a transformer stack, as the shared <see cref="EncoderLoop"/> drives it.</summary>
public interface IEncoderLayer
{
    /// <summary>Runs the layer; returns its output and, when <paramref name="outputAttentions"/> is set, the probabilities.</summary>
    /// <param name="hiddenStates">The layer's input [batch, tokens, width].</param>
    /// <param name="additiveMask">Added to the attention scores, or null.</param>
    /// <param name="headMask">Multiplies the attention probabilities per head, or null (layers without head masks refuse one).</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    (Tensor Output, Tensor? Probabilities) Forward(Tensor hiddenStates, Tensor? additiveMask, Tensor? headMask, bool outputAttentions);
}

/// <summary>
/// The layer loop every encoder and decoder stack runs (ViT/VideoMAE/TVLT, CLIP/X-CLIP, RoBERTa): collects hidden
/// states and probabilities on request, applies gradient checkpointing, and otherwise frees each layer's output as soon
/// as the next layer has consumed it, so inference memory stays flat along the depth.
/// </summary>
public static class EncoderLoop
{
    /// <summary>Called after each layer with its index (lets tests observe memory along the depth); null normally.</summary>
    [ThreadStatic]
    internal static Action<int>? LayerFinished;

    /// <summary>
    /// Runs <paramref name="layers"/> in order. Hidden states (when <paramref name="outputHiddenStates"/>) are each
    /// layer's input plus the final output; probabilities (when <paramref name="outputAttentions"/>) one per layer.
    /// The input tensor is never disposed; intermediate outputs are, unless returned as hidden states.
    /// </summary>
    /// <param name="layers">The stack, in order.</param>
    /// <param name="hiddenStates">Input of the first layer.</param>
    /// <param name="additiveMask">Attention mask passed to every layer, or null.</param>
    /// <param name="headMasks">One head mask per layer (entries may be null), or null.</param>
    /// <param name="outputAttentions">Collect each layer's attention probabilities.</param>
    /// <param name="outputHiddenStates">Collect the hidden states.</param>
    /// <param name="gradientCheckpointing">Recompute each layer in backward when training (see <see cref="ActivationCheckpoint"/>).</param>
    public static BaseModelOutput Run<TLayer>(
        IEnumerable<TLayer> layers, Tensor hiddenStates, Tensor? additiveMask, IReadOnlyList<Tensor?>? headMasks,
        bool outputAttentions, bool outputHiddenStates, bool gradientCheckpointing)
        where TLayer : nn.Module, IEncoderLayer
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(hiddenStates);
        List<Tensor>? allHidden = outputHiddenStates ? [] : null;
        List<Tensor>? allAttentions = outputAttentions ? [] : null;
        var current = hiddenStates;
        var index = 0;
        foreach (var layer in layers)
        {
            allHidden?.Add(current);
            var headMask = headMasks?[index];
            Tensor next;
            if (outputAttentions)
            {
                (next, var probabilities) = layer.Forward(current, additiveMask, headMask, outputAttentions: true);
                if (probabilities is not null)
                {
                    allAttentions!.Add(probabilities);
                }
            }
            else
            {
                var block = layer;
                next = ActivationCheckpoint.Run(
                    block, gradientCheckpointing, (x, extras) => block.Forward(x, extras[0], extras[1], outputAttentions: false).Output,
                    current, additiveMask, headMask);
            }
            // Autograd keeps what backward needs through its own references; this handle only pins the storage.
            if (allHidden is null && !ReferenceEquals(current, hiddenStates))
            {
                current.Dispose();
            }
            current = next;
            LayerFinished?.Invoke(index);
            index++;
        }
        allHidden?.Add(current);
        return new BaseModelOutput(current, allHidden, allAttentions);
    }
}
