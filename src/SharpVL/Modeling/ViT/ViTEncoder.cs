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
        => RunLayers(layer, hiddenStates, additiveMask, headMasks, outputAttentions, outputHiddenStates, GradientCheckpointing);

    /// <summary>
    /// The shared loop of <see cref="Forward"/>, for stacks stored under another name; with
    /// <paramref name="gradientCheckpointing"/>, layers recompute their activations in backward when training.
    /// </summary>
    public static BaseModelOutput RunLayers(
        IEnumerable<ViTLayer> layers, Tensor hiddenStates, Tensor? additiveMask, Tensor?[]? headMasks,
        bool outputAttentions, bool outputHiddenStates, bool gradientCheckpointing = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        List<Tensor>? allHidden = outputHiddenStates ? [] : null;
        List<Tensor>? allAttentions = outputAttentions ? [] : null;
        var current = hiddenStates;
        var i = 0;
        foreach (var layer in layers)
        {
            allHidden?.Add(current);
            var headMask = headMasks?[i++];
            var (next, probabilities) = outputAttentions
                ? layer.Forward(current, additiveMask, headMask, outputAttentions: true)
                : (ActivationCheckpoint.Run(
                    layer, gradientCheckpointing, (x, extras) => layer.Forward(x, extras[0], extras[1]).Output, current, additiveMask, headMask),
                    (Tensor?)null);
            if (probabilities is not null)
            {
                allAttentions?.Add(probabilities);
            }
            if (allHidden is null && !ReferenceEquals(current, hiddenStates))
            {
                current.Dispose();
            }
            current = next;
        }
        allHidden?.Add(current);
        return new BaseModelOutput(current, allHidden, allAttentions);
    }
}
