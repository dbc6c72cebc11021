using SharpVL.Configuration;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// Configuration of AltCLIP's vision tower (<c>model_type: altclip_vision_model</c>), a CLIP ViT. Defaults are
/// Transformers 4.27.1's (ViT-L/14 sizes of BAAI/AltCLIP are in the Hub config; these are the class defaults).
/// </summary>
public sealed class AltCLIPVisionConfig : PretrainedConfig
{
    /// <inheritdoc />
    public override string ModelTypeName => "altclip_vision_model";

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary>Feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Projection width (read by the composite model from <see cref="AltCLIPConfig.ProjectionDim"/>; kept for round trips).</summary>
    public int ProjectionDim { get; set; } = 512;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Attention heads per layer.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Input channels.</summary>
    public int NumChannels { get; set; } = 3;

    /// <summary>Input resolution (square) the position table was trained for.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>Patch size of the patch convolution.</summary>
    public int PatchSize { get; set; } = 32;

    /// <summary>Feed-forward activation.</summary>
    public string HiddenAct { get; set; } = "quick_gelu";

    /// <summary>Epsilon of every LayerNorm of the tower.</summary>
    public double LayerNormEps { get; set; } = 1e-5;

    /// <summary>Dropout on attention probabilities (inactive at inference).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Initialization scale factor.</summary>
    public double InitializerFactor { get; set; } = 1.0;

    /// <summary>
    /// Loads an AltCLIP vision config from a model directory: the <c>vision_config</c> of a composite <c>altclip</c> config
    /// (as 4.27.1's <c>AltCLIPVisionConfig.from_pretrained</c> does), or a standalone one.
    /// </summary>
    public static AltCLIPVisionConfig FromPretrained(string directory)
        => ConfigJson.Peek(directory).ModelType == "altclip"
            ? ConfigJson.Load<AltCLIPConfig>(directory).VisionConfig
            : ConfigJson.Load<AltCLIPVisionConfig>(directory);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.TransformerStack("", HiddenSize, NumAttentionHeads, NumHiddenLayers, IntermediateSize);
        rules.Dimension("projection_dim", ProjectionDim, ConfigLimits.MaxWidth);
        rules.Dimension("num_channels", NumChannels, ConfigLimits.MaxChannels);
        rules.Dimension("image_size", ImageSize, ConfigLimits.MaxImageSide);
        rules.Dimension("patch_size", PatchSize, ImageSize);
        var patches = (long)(ImageSize / PatchSize) * (ImageSize / PatchSize);
        rules.Require(patches <= ConfigLimits.MaxSequence, "patch_size",
            $"({PatchSize}) cuts image_size {ImageSize} into {patches} patches, above the limit of {ConfigLimits.MaxSequence}");
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.Probability("attention_dropout", AttentionDropout);
        rules.Finite("initializer_range", InitializerRange);
        rules.Finite("initializer_factor", InitializerFactor);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.Table((long)NumChannels * PatchSize * PatchSize, HiddenSize),
        ParameterCounts.Table(((long)(ImageSize / PatchSize) * (ImageSize / PatchSize)) + 1, HiddenSize));
}
