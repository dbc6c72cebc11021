using static TorchSharp.torch;

namespace SharpVL.Modeling.Roberta;

/// <summary>A stack of <see cref="RobertaLayer"/>s stored as <c>layer.{i}</c>.</summary>
public sealed class RobertaEncoder : nn.Module, IGradientCheckpointable
{
    private readonly TorchSharp.Modules.ModuleList<RobertaLayer> layer;

    /// <summary>Creates <see cref="RobertaSettings.NumHiddenLayers"/> layers.</summary>
    public RobertaEncoder(RobertaSettings settings) : base(nameof(RobertaEncoder))
    {
        ArgumentNullException.ThrowIfNull(settings);
        layer = nn.ModuleList(Enumerable.Range(0, settings.NumHiddenLayers).Select(_ => new RobertaLayer(settings)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>Number of layers.</summary>
    public int LayerCount => layer.Count;

    /// <summary>
    /// Runs every layer. Hidden states are the embeddings followed by each layer's output; the caller owns every
    /// returned tensor (run inside a dispose scope).
    /// </summary>
    /// <param name="embeddings">Embedded tokens [B, T, D].</param>
    /// <param name="additiveMask">Extended padding mask ([B, 1, 1, T], 0 or the dtype's minimum), or null.</param>
    /// <param name="headMasks">Per-layer head masks (see <see cref="AttentionKernels.PerLayerHeadMask"/>), or null.</param>
    /// <param name="outputAttentions">Collect each layer's attention probabilities.</param>
    /// <param name="outputHiddenStates">Collect the hidden states.</param>
    public BaseModelOutput Forward(
        Tensor embeddings, Tensor? additiveMask = null, IReadOnlyList<Tensor?>? headMasks = null,
        bool outputAttentions = false, bool outputHiddenStates = false)
        => EncoderLoop.Run(layer, embeddings, additiveMask, headMasks, outputAttentions, outputHiddenStates, GradientCheckpointing);
}
