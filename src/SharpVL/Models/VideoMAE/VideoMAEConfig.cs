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
    protected internal override void OnLoaded()
    {
        base.OnLoaded();
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}.");
        }
        if (ImageSize % PatchSize != 0 || NumFrames % TubeletSize != 0)
        {
            throw new InvalidDataException(
                $"image_size {ImageSize} must be a multiple of patch_size {PatchSize} and num_frames {NumFrames} of tubelet_size {TubeletSize}.");
        }
    }
}
