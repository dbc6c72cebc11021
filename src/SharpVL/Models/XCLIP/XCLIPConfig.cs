using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SharpVL.Configuration;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// Configuration of <see cref="XCLIPModel"/> (<c>model_type: xclip</c>): the text and vision sub-configs plus the
/// projection, prompt generator and logit scale settings, with Transformers' defaults (microsoft/xclip-base-patch32).
/// </summary>
/// <remarks>
/// Hub configs written by older Transformers carry <c>text_config_dict</c> / <c>vision_config_dict</c>. As in 4.27.1,
/// such a dict is read as a full sub-config (its defaults included) that overrides <c>text_config</c> /
/// <c>vision_config</c> key by key, and is dropped afterwards (saving writes only <c>text_config</c>/<c>vision_config</c>).
/// </remarks>
public sealed class XCLIPConfig : PretrainedConfig
{
    internal const string ModelTypeId = "xclip";
    private const string LegacyTextKey = "text_config_dict";
    private const string LegacyVisionKey = "vision_config_dict";

    /// <inheritdoc />
    public override string ModelTypeName => ModelTypeId;

    /// <summary>The text tower's configuration.</summary>
    [JsonConverter(typeof(NestedConfigConverter<XCLIPTextConfig>))]
    public XCLIPTextConfig TextConfig { get; set; } = NewDefault<XCLIPTextConfig>();

    /// <summary>The vision tower's (and MIT's) configuration.</summary>
    [JsonConverter(typeof(NestedConfigConverter<XCLIPVisionConfig>))]
    public XCLIPVisionConfig VisionConfig { get; set; } = NewDefault<XCLIPVisionConfig>();

    /// <summary>Width of the shared text/video embedding space.</summary>
    public int ProjectionDim { get; set; } = 512;

    /// <summary>Layers of the video-specific prompt generator.</summary>
    public int PromptLayers { get; set; } = 2;

    /// <summary>Initial value of the prompt generator's per-channel output scale <c>alpha</c>.</summary>
    public double PromptAlpha { get; set; } = 0.1;

    /// <summary>Activation of the prompt generator's MLP.</summary>
    public string PromptHiddenAct { get; set; } = "quick_gelu";

    /// <summary>Heads of the prompt generator's cross-attention.</summary>
    public int PromptNumAttentionHeads { get; set; } = 8;

    /// <summary>Dropout on the prompt generator's attention probabilities and MLP (inactive at inference).</summary>
    public double PromptAttentionDropout { get; set; }

    /// <summary>Dropout after the prompt generator's output projection (inactive at inference).</summary>
    public double PromptProjectionDropout { get; set; }

    /// <summary>Initial value of the learned log temperature <c>logit_scale</c>.</summary>
    public double LogitScaleInitValue { get; set; } = 2.6592;

    /// <summary>Scale of the initialization standard deviations (4.27.1 always sets 1.0).</summary>
    public double InitializerFactor { get; set; } = 1.0;

    /// <summary>Loads an X-CLIP <c>config.json</c> from a model directory (or the file's path).</summary>
    public static XCLIPConfig FromPretrained(string directoryOrFile) => ConfigJson.Load<XCLIPConfig>(directoryOrFile);

    /// <summary>
    /// Builds a composite config from a text and a vision config (Transformers' <c>from_text_vision_configs</c>); the
    /// sub-configs are copied, the other fields keep their defaults (set them on the result).
    /// </summary>
    public static XCLIPConfig FromTextVisionConfigs(XCLIPTextConfig textConfig, XCLIPVisionConfig visionConfig)
    {
        ArgumentNullException.ThrowIfNull(textConfig);
        ArgumentNullException.ThrowIfNull(visionConfig);
        var config = NewDefault<XCLIPConfig>();
        config.TextConfig = ConfigJson.Parse<XCLIPTextConfig>(textConfig.ToJson(), "text_config");
        config.VisionConfig = ConfigJson.Parse<XCLIPVisionConfig>(visionConfig.ToJson(), "vision_config");
        return config;
    }

    /// <inheritdoc />
    protected internal override void OnLoaded()
    {
        base.OnLoaded();
        // A JSON null ("text_config": null) leaves the property null; Python then uses the defaults.
        TextConfig ??= NewDefault<XCLIPTextConfig>();
        VisionConfig ??= NewDefault<XCLIPVisionConfig>();
        TextConfig = ApplyLegacyDict(TextConfig, LegacyTextKey);
        VisionConfig = ApplyLegacyDict(VisionConfig, LegacyVisionKey);
        InitializerFactor = 1.0;
    }

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Nested("text_config", TextConfig);
        rules.Nested("vision_config", VisionConfig);
        rules.Dimension("projection_dim", ProjectionDim, ConfigLimits.MaxWidth);
        rules.Divides("prompt_num_attention_heads", PromptNumAttentionHeads, "projection_dim", ProjectionDim, ConfigLimits.MaxWidth);
        rules.Count("prompt_layers", PromptLayers, ConfigLimits.MaxLayers);
        rules.Finite("prompt_alpha", PromptAlpha);
        rules.OneOf("prompt_hidden_act", PromptHiddenAct, Modeling.Activations.Names);
        rules.Probability("prompt_attention_dropout", PromptAttentionDropout);
        rules.Probability("prompt_projection_dropout", PromptProjectionDropout);
        rules.Finite("logit_scale_init_value", LogitScaleInitValue);
        // The video embeddings are projected to projection_dim and then run through the MIT.
        rules.Require(VisionConfig.MitHiddenSize == ProjectionDim, "vision_config.mit_hidden_size",
            $"({VisionConfig.MitHiddenSize}) must equal 'projection_dim' ({ProjectionDim})");
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        TextConfig.EstimateParameterCount(),
        VisionConfig.EstimateParameterCount(),
        ParameterCounts.TransformerStack(PromptLayers, ProjectionDim, 4L * ProjectionDim));

    private TConfig ApplyLegacyDict<TConfig>(TConfig current, string legacyKey)
        where TConfig : PretrainedConfig, new()
    {
        if (!ExtraFields.Remove(legacyKey, out var legacy) || legacy.ValueKind == JsonValueKind.Null)
        {
            return current;
        }
        if (legacy.ValueKind != JsonValueKind.Object)
        {
            throw Rules.Fail(legacyKey, $"must be an object, got {legacy.ValueKind}");
        }
        return SubConfigs.MergeLegacy(current, JsonNode.Parse(legacy.GetRawText())!.AsObject(), legacyKey);
    }

    private static TConfig NewDefault<TConfig>()
        where TConfig : PretrainedConfig => ConfigJson.Parse<TConfig>("{}", typeof(TConfig).Name);
}
