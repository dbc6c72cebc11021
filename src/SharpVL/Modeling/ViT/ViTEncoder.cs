using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.ViT;

/// <summary>A stack of <see cref="ViTLayer"/>s stored as <c>layer.{i}</c> (or another list name, e.g. VideoMAE's <c>decoder_layers</c>).</summary>
public sealed class ViTEncoder : nn.Module, IGradientCheckpointable
{
    private readonly ModuleList<ViTLayer> layer;

    /// <summary>Creates <paramref name="numLayers"/> layers.</summary>
    public ViTEncoder(ViTLayerSettings settings, int numLayers) : base(nameof(ViTEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => new ViTLayer(settings)).ToArray());
        RegisterComponents();
    }

    /// <summary>The layers, in order.</summary>
    public IEnumerable<ViTLayer> Layers => layer;

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// Runs every layer. Collects the input of each layer plus the final output when <paramref name="outputHiddenStates"/>
    /// is set, and each layer's probabilities when <paramref name="outputAttentions"/> is set.
    /// </summary>
    public BaseModelOutput Forward(
        Tensor hiddenStates, Tensor? additiveMask = null, Tensor?[]? headMasks = null,
        bool outputAttentions = false, bool outputHiddenStates = false)
        => EncoderLoop.Run(layer, hiddenStates, additiveMask, headMasks, outputAttentions, outputHiddenStates, GradientCheckpointing);
}
