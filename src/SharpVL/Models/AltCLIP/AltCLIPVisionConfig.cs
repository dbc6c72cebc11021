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
    protected internal override void OnLoaded()
    {
        base.OnLoaded();
        AltCLIPTextConfig.Require(HiddenSize > 0, "hidden_size", HiddenSize);
        AltCLIPTextConfig.Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0, "num_attention_heads",
            NumAttentionHeads, $"it must divide hidden_size {HiddenSize}");
        AltCLIPTextConfig.Require(NumHiddenLayers >= 0, "num_hidden_layers", NumHiddenLayers);
        AltCLIPTextConfig.Require(IntermediateSize > 0, "intermediate_size", IntermediateSize);
        AltCLIPTextConfig.Require(NumChannels > 0, "num_channels", NumChannels);
        AltCLIPTextConfig.Require(PatchSize > 0 && ImageSize >= PatchSize, "patch_size", PatchSize, $"image_size is {ImageSize}");
    }
}
