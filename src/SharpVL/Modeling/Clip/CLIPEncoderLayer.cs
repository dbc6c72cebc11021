using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.Clip;

/// <summary>Widths and activation of one CLIP-style encoder layer.</summary>
/// <param name="HiddenSize">Token width.</param>
/// <param name="NumAttentionHeads">Attention heads.</param>
/// <param name="IntermediateSize">Feed-forward width.</param>
/// <param name="HiddenAct">Feed-forward activation (<c>quick_gelu</c> for CLIP).</param>
/// <param name="LayerNormEps">Epsilon of <c>layer_norm1</c>/<c>layer_norm2</c>.</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities (<c>attention_dropout</c>), in training only.</param>
public sealed record CLIPLayerSettings(
    int HiddenSize, int NumAttentionHeads, int IntermediateSize, string HiddenAct, double LayerNormEps, double AttentionDropout = 0);

/// <summary>A pre-LayerNorm CLIP encoder layer: <c>x + self_attn(layer_norm1(x))</c>, then <c>h + mlp(layer_norm2(h))</c>.</summary>
public sealed class CLIPEncoderLayer : nn.Module, IEncoderLayer
{
    private readonly CLIPAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly CLIPMLP mlp;
    private readonly LayerNorm layer_norm2;

    /// <summary>Creates the layer.</summary>
    public CLIPEncoderLayer(CLIPLayerSettings settings) : base(nameof(CLIPEncoderLayer))
    {
        ArgumentNullException.ThrowIfNull(settings);
        self_attn = new CLIPAttention(settings.HiddenSize, settings.NumAttentionHeads, settings.AttentionDropout);
        layer_norm1 = nn.LayerNorm(settings.HiddenSize, settings.LayerNormEps);
        mlp = new CLIPMLP(settings.HiddenSize, settings.IntermediateSize, settings.HiddenAct);
        layer_norm2 = nn.LayerNorm(settings.HiddenSize, settings.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the layer; <paramref name="additiveMask"/> is the summed padding/causal mask, if any.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(Tensor hiddenStates, Tensor? additiveMask = null, bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var (attended, probabilities) = self_attn.Forward(layer_norm1.call(hiddenStates), additiveMask, outputAttentions);
        var residual = attended.add_(hiddenStates);
        var output = mlp.call(layer_norm2.call(residual)).add_(residual);
        output.MoveToOuterDisposeScope();
        probabilities?.MoveToOuterDisposeScope();
        return (output, probabilities);
    }

    /// <inheritdoc />
    (Tensor Output, Tensor? Probabilities) IEncoderLayer.Forward(Tensor hiddenStates, Tensor? additiveMask, Tensor? headMask, bool outputAttentions)
    {
        if (headMask is not null)
        {
            throw new ArgumentException("CLIP encoder layers take no head mask.", nameof(headMask));
        }
        return Forward(hiddenStates, additiveMask, outputAttentions);
    }
}

/// <summary>A stack of <see cref="CLIPEncoderLayer"/>s stored as <c>layers.{i}</c>.</summary>
public sealed class CLIPEncoder : nn.Module, IGradientCheckpointable
{
    private readonly ModuleList<CLIPEncoderLayer> layers;

    /// <summary>Creates <paramref name="numLayers"/> layers.</summary>
    public CLIPEncoder(CLIPLayerSettings settings, int numLayers) : base(nameof(CLIPEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => new CLIPEncoderLayer(settings)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// Runs every layer (CLIP's <c>encoder_outputs</c>): hidden states are the input of each layer plus the final output.
    /// </summary>
    public BaseModelOutput Forward(Tensor inputsEmbeds, Tensor? additiveMask = null, bool outputAttentions = false, bool outputHiddenStates = false)
        => EncoderLoop.Run(layers, inputsEmbeds, additiveMask, null, outputAttentions, outputHiddenStates, GradientCheckpointing);
}
