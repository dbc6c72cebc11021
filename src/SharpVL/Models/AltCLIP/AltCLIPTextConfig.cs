using SharpVL.Configuration;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// Configuration of AltCLIP's text tower (<c>model_type: altclip_text_model</c>): an XLM-R / RoBERTa encoder followed by a
/// LayerNorm and a projection to <see cref="ProjectDim"/>. Defaults are Transformers 4.27.1's (BAAI/AltCLIP).
/// </summary>
public sealed class AltCLIPTextConfig : PretrainedConfig
{
    /// <summary>Creates a config with the defaults, including RoBERTa's special token ids (pad 1, bos 0, eos 2).</summary>
    public AltCLIPTextConfig()
    {
        PadTokenId = 1;
        BosTokenId = 0;
        EosTokenId = 2;
    }

    /// <inheritdoc />
    public override string ModelTypeName => "altclip_text_model";

    /// <summary>Token vocabulary size.</summary>
    public int VocabSize { get; set; } = 250002;

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 1024;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; set; } = 24;

    /// <summary>Attention heads per layer.</summary>
    public int NumAttentionHeads { get; set; } = 16;

    /// <summary>Feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 4096;

    /// <summary>Feed-forward activation (<c>gelu</c> is the exact erf GELU).</summary>
    public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout after dense layers and embeddings (inactive at inference).</summary>
    public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary>Dropout on attention probabilities (inactive at inference).</summary>
    public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary>Rows of the position table; RoBERTa positions start at <c>pad_token_id + 1</c>, so texts hold at most this minus 2 tokens.</summary>
    public int MaxPositionEmbeddings { get; set; } = 514;

    /// <summary>Rows of the token type table.</summary>
    public int TypeVocabSize { get; set; } = 1;

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Initialization scale factor (kept for round trips).</summary>
    public double InitializerFactor { get; set; } = 0.02;

    /// <summary>Epsilon of every LayerNorm of the tower.</summary>
    public double LayerNormEps { get; set; } = 1e-5;

    /// <summary>Position embedding kind; only <c>absolute</c> is supported.</summary>
    public string PositionEmbeddingType { get; set; } = "absolute";

    /// <summary>Decoder key/value caching flag (unused by the encoder; kept for round trips).</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>Width of the projection state (<c>transformation</c> output), which the text embedding is taken from.</summary>
    public int ProjectDim { get; set; } = 768;

    /// <summary>Loads an AltCLIP text config from a model directory: the <c>text_config</c> of a composite <c>altclip</c> config, or a standalone one.</summary>
    public static AltCLIPTextConfig FromPretrained(string directory)
        => ConfigJson.Peek(directory).ModelType == "altclip"
            ? ConfigJson.Load<AltCLIPConfig>(directory).TextConfig
            : ConfigJson.Load<AltCLIPTextConfig>(directory);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Dimension("vocab_size", VocabSize, ConfigLimits.MaxTableRows);
        rules.Dimension("hidden_size", HiddenSize, ConfigLimits.MaxWidth);
        rules.Count("num_hidden_layers", NumHiddenLayers, ConfigLimits.MaxLayers);
        rules.Divides("num_attention_heads", NumAttentionHeads, "hidden_size", HiddenSize, ConfigLimits.MaxWidth);
        rules.Dimension("intermediate_size", IntermediateSize, ConfigLimits.MaxWidth);
        rules.Dimension("max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxTableRows);
        rules.Dimension("type_vocab_size", TypeVocabSize, ConfigLimits.MaxTableRows);
        rules.Dimension("project_dim", ProjectDim, ConfigLimits.MaxWidth);
        rules.Require(PadTokenId is >= 0 && PadTokenId < MaxPositionEmbeddings && PadTokenId < VocabSize, "pad_token_id",
            $"({PadTokenId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}) must lie inside the vocabulary and the position table (RoBERTa positions start after it)");
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.Probability("hidden_dropout_prob", HiddenDropoutProb);
        rules.Probability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        rules.Finite("initializer_range", InitializerRange);
        rules.Finite("initializer_factor", InitializerFactor);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.OneOf("position_embedding_type", PositionEmbeddingType, ["absolute"]);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.Table((long)VocabSize + MaxPositionEmbeddings + TypeVocabSize, HiddenSize),
        ParameterCounts.Table(HiddenSize, ProjectDim));
}
