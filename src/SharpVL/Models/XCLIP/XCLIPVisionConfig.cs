using SharpVL.Configuration;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// Configuration of X-CLIP's vision tower and its Multiframe Integration Transformer (<c>model_type:
/// xclip_vision_model</c>), with Transformers' defaults (microsoft/xclip-base-patch32).
/// </summary>
public sealed class XCLIPVisionConfig : PretrainedConfig
{
    /// <inheritdoc />
    public override string ModelTypeName => "xclip_vision_model";

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary>Feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Encoder layers (cross-frame attention blocks).</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Attention heads.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Width of the Multiframe Integration Transformer (must equal the composite's <c>projection_dim</c>).</summary>
    public int MitHiddenSize { get; set; } = 512;

    /// <summary>Feed-forward width of the MIT.</summary>
    public int MitIntermediateSize { get; set; } = 2048;

    /// <summary>Layers of the MIT.</summary>
    public int MitNumHiddenLayers { get; set; } = 1;

    /// <summary>Attention heads of the MIT.</summary>
    public int MitNumAttentionHeads { get; set; } = 8;

    /// <summary>Input channels.</summary>
    public int NumChannels { get; set; } = 3;

    /// <summary>Frame height and width the position table was trained for.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>Patch size.</summary>
    public int PatchSize { get; set; } = 32;

    /// <summary>Frames per video: the cross-frame messages and the MIT positions are laid out for this many.</summary>
    public int NumFrames { get; set; } = 8;

    /// <summary>Feed-forward activation (also the MIT's).</summary>
    public string HiddenAct { get; set; } = "quick_gelu";

    /// <summary>Epsilon of the LayerNorms (also of the MIT, the prompt visual LayerNorm and the prompt generator's <c>layernorm</c>).</summary>
    public double LayerNormEps { get; set; } = 1e-5;

    /// <summary>Dropout on attention probabilities (inactive at inference).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Scale of the initialization standard deviations (testing only).</summary>
    public double InitializerFactor { get; set; } = 1.0;

    /// <summary>Stochastic depth applied to the cross-frame messages in training.</summary>
    public double DropPathRate { get; set; }

    /// <summary>Patches per frame at <see cref="ImageSize"/>.</summary>
    public int NumPatches => (ImageSize / PatchSize) * (ImageSize / PatchSize);

    /// <summary>
    /// Loads the vision config from a directory: an X-CLIP composite <c>config.json</c> (its <c>vision_config</c>,
    /// legacy <c>vision_config_dict</c> applied) or a stand-alone vision config.
    /// </summary>
    public static XCLIPVisionConfig FromPretrained(string directoryOrFile)
        => ConfigJson.Peek(directoryOrFile).ModelType == XCLIPConfig.ModelTypeId
            ? XCLIPConfig.FromPretrained(directoryOrFile).VisionConfig
            : ConfigJson.Load<XCLIPVisionConfig>(directoryOrFile);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.TransformerStack("", HiddenSize, NumAttentionHeads, NumHiddenLayers, IntermediateSize);
        rules.TransformerStack("mit_", MitHiddenSize, MitNumAttentionHeads, MitNumHiddenLayers, MitIntermediateSize);
        rules.Dimension("num_channels", NumChannels, ConfigLimits.MaxChannels);
        rules.Dimension("image_size", ImageSize, ConfigLimits.MaxImageSide);
        rules.Dimension("patch_size", PatchSize, ImageSize);
        rules.Dimension("num_frames", NumFrames, ConfigLimits.MaxFrames);
        rules.Require((long)NumFrames * NumPatches <= ConfigLimits.MaxSequence, "num_frames",
            $"({NumFrames}) times {NumPatches} patches per frame is above the limit of {ConfigLimits.MaxSequence} tokens");
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.Probability("attention_dropout", AttentionDropout);
        rules.Probability("drop_path_rate", DropPathRate);
        rules.Finite("initializer_range", InitializerRange);
        rules.Finite("initializer_factor", InitializerFactor);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.TransformerStack(MitNumHiddenLayers, MitHiddenSize, MitIntermediateSize),
        ParameterCounts.Table((long)NumChannels * PatchSize * PatchSize, HiddenSize),
        ParameterCounts.Table(NumPatches + 1L, HiddenSize));
}
