using SharpVL.Configuration;

namespace SharpVL.Models.VideoMAE;

/// <summary>Configuration of VideoMAE models (<c>model_type: videomae</c>), with Transformers' defaults (videomae-base).</summary>
public sealed class VideoMAEConfig : PretrainedConfig
{
    /// <inheritdoc />
    public override string ModelTypeName => "videomae";

    /// <summary>Frame height and width the patch embedding expects.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>Spatial patch size.</summary>
    public int PatchSize { get; set; } = 16;

    /// <summary>Input channels.</summary>
    public int NumChannels { get; set; } = 3;

    /// <summary>Frames per clip.</summary>
    public int NumFrames { get; set; } = 16;

    /// <summary>Frames per temporal patch (tubelet).</summary>
    public int TubeletSize { get; set; } = 2;

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Encoder attention heads.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Encoder feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Feed-forward activation (<c>gelu</c>, <c>quick_gelu</c>, <c>relu</c>, ...).</summary>
    public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout after dense layers (inactive at inference).</summary>
    public double HiddenDropoutProb { get; set; }

    /// <summary>Dropout on attention probabilities (inactive at inference).</summary>
    public double AttentionProbsDropoutProb { get; set; }

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Epsilon of the encoder LayerNorms.</summary>
    public double LayerNormEps { get; set; } = 1e-12;

    /// <summary>Whether attention has query and value biases (the key bias is always zero).</summary>
    public bool QkvBias { get; set; } = true;

    /// <summary>Classify from the mean of all tokens (with <c>fc_norm</c>) instead of a final LayerNorm + token 0.</summary>
    public bool UseMeanPooling { get; set; } = true;

    /// <summary>Pre-training decoder attention heads.</summary>
    public int DecoderNumAttentionHeads { get; set; } = 6;

    /// <summary>Pre-training decoder width.</summary>
    public int DecoderHiddenSize { get; set; } = 384;

    /// <summary>Pre-training decoder layers.</summary>
    public int DecoderNumHiddenLayers { get; set; } = 4;

    /// <summary>Pre-training decoder feed-forward width.</summary>
    public int DecoderIntermediateSize { get; set; } = 1536;

    /// <summary>Normalize each target patch by its mean and standard deviation in the reconstruction loss.</summary>
    public bool NormPixLoss { get; set; } = true;

    /// <summary>Tokens per clip: (frames / tubelet) × (image / patch)².</summary>
    public int NumPatches => NumFrames / TubeletSize * (ImageSize / PatchSize) * (ImageSize / PatchSize);

    /// <summary>Loads <c>config.json</c> from a model directory.</summary>
    public static VideoMAEConfig FromPretrained(string directory) => ConfigJson.Load<VideoMAEConfig>(directory);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Dimension("image_size", ImageSize, ConfigLimits.MaxImageSide);
        rules.Divides("patch_size", PatchSize, "image_size", ImageSize, ConfigLimits.MaxImageSide);
        rules.Dimension("num_channels", NumChannels, ConfigLimits.MaxChannels);
        rules.Dimension("num_frames", NumFrames, ConfigLimits.MaxFrames);
        rules.Divides("tubelet_size", TubeletSize, "num_frames", NumFrames, ConfigLimits.MaxFrames);
        var tokens = (long)(NumFrames / TubeletSize) * (ImageSize / PatchSize) * (ImageSize / PatchSize);
        rules.Require(tokens <= ConfigLimits.MaxSequence, "image_size",
            $"gives {tokens} tokens per clip with patch_size {PatchSize}, num_frames {NumFrames} and tubelet_size {TubeletSize}, above the limit of {ConfigLimits.MaxSequence}");
        rules.TransformerStack("", HiddenSize, NumAttentionHeads, NumHiddenLayers, IntermediateSize);
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.Probability("hidden_dropout_prob", HiddenDropoutProb);
        rules.Probability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        rules.Finite("initializer_range", InitializerRange);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.TransformerStack("decoder_", DecoderHiddenSize, DecoderNumAttentionHeads, DecoderNumHiddenLayers, DecoderIntermediateSize);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.Table((long)NumChannels * TubeletSize * PatchSize * PatchSize, HiddenSize),
        ParameterCounts.Table(NumPatches, HiddenSize));
}
