using SharpVL.Configuration;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// Configuration of X-CLIP's text tower (<c>model_type: xclip_text_model</c>), with Transformers' defaults
/// (microsoft/xclip-base-patch32). Usually found as <c>text_config</c> inside an <see cref="XCLIPConfig"/>.
/// </summary>
public sealed class XCLIPTextConfig : PretrainedConfig
{
    /// <summary>Creates a config with Transformers' defaults (pad 1, bos 0, eos 2 as 4.27.1 declares them).</summary>
    public XCLIPTextConfig()
    {
        PadTokenId = 1;
        BosTokenId = 0;
        EosTokenId = 2;
    }

    /// <inheritdoc />
    public override string ModelTypeName => "xclip_text_model";

    /// <summary>Number of token ids.</summary>
    public int VocabSize { get; set; } = 49408;

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 512;

    /// <summary>Feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 2048;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Attention heads.</summary>
    public int NumAttentionHeads { get; set; } = 8;

    /// <summary>Learned positions, i.e. the longest token sequence the model accepts.</summary>
    public int MaxPositionEmbeddings { get; set; } = 77;

    /// <summary>Feed-forward activation.</summary>
    public string HiddenAct { get; set; } = "quick_gelu";

    /// <summary>Epsilon of the LayerNorms (also of the prompt generator's <c>norm1</c>/<c>norm3</c>).</summary>
    public double LayerNormEps { get; set; } = 1e-5;

    /// <summary>Dropout on attention probabilities (inactive at inference).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Scale of the initialization standard deviations (testing only).</summary>
    public double InitializerFactor { get; set; } = 1.0;

    /// <summary>
    /// Loads the text config from a directory: an X-CLIP composite <c>config.json</c> (its <c>text_config</c>, legacy
    /// <c>text_config_dict</c> applied) or a stand-alone text config.
    /// </summary>
    public static XCLIPTextConfig FromPretrained(string directoryOrFile)
        => ConfigJson.Peek(directoryOrFile).ModelType == XCLIPConfig.ModelTypeId
            ? XCLIPConfig.FromPretrained(directoryOrFile).TextConfig
            : ConfigJson.Load<XCLIPTextConfig>(directoryOrFile);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Dimension("vocab_size", VocabSize, ConfigLimits.MaxTableRows);
        rules.TransformerStack("", HiddenSize, NumAttentionHeads, NumHiddenLayers, IntermediateSize);
        rules.Dimension("max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxTableRows);
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.Probability("attention_dropout", AttentionDropout);
        rules.Finite("initializer_range", InitializerRange);
        rules.Finite("initializer_factor", InitializerFactor);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.Table((long)VocabSize + MaxPositionEmbeddings, HiddenSize));
}
