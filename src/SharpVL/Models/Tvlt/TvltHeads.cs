using SharpVL.Modeling;
using SharpVL.Modeling.ViT;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>The MAE decoder (<c>TvltDecoder</c>): pre-LN layers stored as <c>decoder_layers.{i}</c>, then <c>layernorm</c>.</summary>
internal sealed class TvltDecoder : nn.Module, IGradientCheckpointable
{
    private readonly ModuleList<ViTLayer> decoder_layers;
    private readonly LayerNorm layernorm;

    internal TvltDecoder(TvltConfig config) : base(nameof(TvltDecoder))
    {
        var settings = TvltPreTrainedModel.DecoderLayerSettings(config);
        decoder_layers = nn.ModuleList(Enumerable.Range(0, config.DecoderNumHiddenLayers).Select(_ => new ViTLayer(settings)).ToArray());
        layernorm = nn.LayerNorm(config.DecoderHiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>Decodes a full (unshuffled) token sequence; returns the normalized states (the decoder's "logits").</summary>
    internal Tensor Forward(Tensor hiddenStates)
    {
        var decoded = EncoderLoop.Run(
            decoder_layers, hiddenStates, null, null, outputAttentions: false, outputHiddenStates: false, GradientCheckpointing)
            .LastHiddenState;
        var normalized = layernorm.call(decoded);
        if (!ReferenceEquals(decoded, hiddenStates))
        {
            decoded.Dispose();
        }
        return normalized;
    }
}

/// <summary>Matching head (<c>TvltMatchingHead</c>): <c>fc(tanh(pooler.dense(h[:, 0])))</c>.</summary>
internal sealed class TvltMatchingHead : nn.Module
{
    private readonly TvltPooler pooler;
    private readonly KernelLinear fc;

    internal TvltMatchingHead(TvltConfig config) : base(nameof(TvltMatchingHead))
    {
        pooler = new TvltPooler(config.HiddenSize);
        fc = new KernelLinear(config.HiddenSize, 1);
        RegisterComponents();
    }

    internal Tensor Forward(Tensor sequence)
    {
        using var pooled = pooler.Forward(sequence);
        return fc.call(pooled);
    }
}

/// <summary><c>TvltPooler</c>: tanh(dense(first token)).</summary>
internal sealed class TvltPooler : nn.Module
{
    private readonly KernelLinear dense;

    internal TvltPooler(int hiddenSize) : base(nameof(TvltPooler))
    {
        dense = new KernelLinear(hiddenSize, hiddenSize);
        RegisterComponents();
    }

    internal Tensor Forward(Tensor sequence)
    {
        using var first = sequence.select(1, 0);
        using var projected = dense.call(first);
        return projected.tanh();
    }
}

/// <summary><c>TvltMAEHead</c>: one Linear named <c>decoder</c> from decoder width to patch values.</summary>
internal sealed class TvltMaeHead : nn.Module
{
    private readonly KernelLinear decoder;

    internal TvltMaeHead(int decoderHiddenSize, int outputDim) : base(nameof(TvltMaeHead))
    {
        decoder = new KernelLinear(decoderHiddenSize, outputDim);
        RegisterComponents();
    }

    internal Tensor Forward(Tensor hiddenStates) => decoder.call(hiddenStates);
}
