using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SharpVL.Configuration;

namespace SharpVL.Models.AltCLIP;

/// <summary>
/// Configuration of <see cref="AltCLIPModel"/> (<c>model_type: altclip</c>): the text and vision tower configs plus the
/// shared projection width and the initial logit scale. Keys no property reads (the Hub's <c>direct_kd</c>,
/// <c>num_layers</c>, ...) stay in <see cref="PretrainedConfig.ExtraFields"/> and are written back.
/// </summary>
public sealed class AltCLIPConfig : PretrainedConfig
{
    /// <inheritdoc />
    public override string ModelTypeName => "altclip";

    /// <summary>The text tower's config (<c>text_config</c>).</summary>
    [JsonConverter(typeof(NestedConfigConverter<AltCLIPTextConfig>))]
    public AltCLIPTextConfig TextConfig { get; set; } = new();

    /// <summary>The vision tower's config (<c>vision_config</c>).</summary>
    [JsonConverter(typeof(NestedConfigConverter<AltCLIPVisionConfig>))]
    public AltCLIPVisionConfig VisionConfig { get; set; } = new();

    /// <summary>
    /// Legacy <c>text_config_dict</c> (older Hub files such as BAAI/AltCLIP's). On load it replaces
    /// <see cref="TextConfig"/> as Transformers does, then is cleared, so it is never written back.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? TextConfigDict { get; set; }

    /// <summary>Legacy <c>vision_config_dict</c>; handled like <see cref="TextConfigDict"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? VisionConfigDict { get; set; }

    /// <summary>Width of the shared image–text embedding space.</summary>
    public int ProjectionDim { get; set; } = 768;

    /// <summary>Initial value of <c>logit_scale</c> (log of the softmax temperature's inverse).</summary>
    public double LogitScaleInitValue { get; set; } = 2.6592;

    /// <summary>Initialization scale factor; Transformers always sets it to 1.0 for the composite config.</summary>
    public double InitializerFactor { get; set; } = 1.0;

    /// <summary>Loads <c>config.json</c> from a model directory.</summary>
    public static AltCLIPConfig FromPretrained(string directory) => ConfigJson.Load<AltCLIPConfig>(directory);

    /// <inheritdoc />
    protected internal override void OnLoaded()
    {
        base.OnLoaded();
        // Transformers builds a full config from the legacy *_dict (defaults included) and lets it win over every key
        // of text_config/vision_config; keys only the newer dict has are kept.
        if (TextConfigDict is not null)
        {
            TextConfig = SubConfigs.MergeLegacy(TextConfig, TextConfigDict, "text_config_dict");
            TextConfigDict = null;
        }
        if (VisionConfigDict is not null)
        {
            VisionConfig = SubConfigs.MergeLegacy(VisionConfig, VisionConfigDict, "vision_config_dict");
            VisionConfigDict = null;
        }
        InitializerFactor = 1.0;
    }

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Nested("text_config", TextConfig);
        rules.Nested("vision_config", VisionConfig);
        rules.Dimension("projection_dim", ProjectionDim, ConfigLimits.MaxWidth);
        rules.Finite("logit_scale_init_value", LogitScaleInitValue);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        TextConfig.EstimateParameterCount(),
        VisionConfig.EstimateParameterCount(),
        ParameterCounts.Table((long)TextConfig.ProjectDim + VisionConfig.HiddenSize, ProjectionDim));
}
