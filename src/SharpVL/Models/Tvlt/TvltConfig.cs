using SharpVL.Configuration;

namespace SharpVL.Models.Tvlt;

/// <summary>Configuration of TVLT models (<c>model_type: tvlt</c>), with Transformers 4.27.1's defaults (tvlt-base).</summary>
public sealed class TvltConfig : PretrainedConfig
{
    /// <summary>Frame height and width.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>Maximum spectrogram rows (time).</summary>
    public int SpectrogramLength { get; set; } = 2048;

    /// <summary>Spectrogram columns (mel bands).</summary>
    public int FrequencyLength { get; set; } = 128;

    /// <summary>Image patch [height, width].</summary>
    public List<int> ImagePatchSize { get; set; } = [16, 16];

    /// <summary>Audio patch [time, freq].</summary>
    public List<int> AudioPatchSize { get; set; } = [16, 16];

    /// <summary>Image channels.</summary>
    public int NumImageChannels { get; set; } = 3;

    /// <summary>Audio channels.</summary>
    public int NumAudioChannels { get; set; } = 1;

    /// <summary>Maximum frames per video.</summary>
    public int NumFrames { get; set; } = 8;

    /// <summary>Encoder width.</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Encoder attention heads.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Encoder feed-forward width.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Feed-forward activation.</summary>
    public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout after dense layers (training only).</summary>
    public double HiddenDropoutProb { get; set; }

    /// <summary>Dropout on attention probabilities (training only).</summary>
    public double AttentionProbsDropoutProb { get; set; }

    /// <summary>Standard deviation of freshly initialized weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Epsilon of every LayerNorm.</summary>
    public double LayerNormEps { get; set; } = 1e-6;

    /// <summary>Whether query/key/value have biases.</summary>
    public bool QkvBias { get; set; } = true;

    /// <summary>Only removes the final LayerNorm (TVLT has no mean pooling anywhere).</summary>
    public bool UseMeanPooling { get; set; }

    /// <summary>MAE decoder attention heads.</summary>
    public int DecoderNumAttentionHeads { get; set; } = 16;

    /// <summary>MAE decoder width.</summary>
    public int DecoderHiddenSize { get; set; } = 512;

    /// <summary>MAE decoder layers.</summary>
    public int DecoderNumHiddenLayers { get; set; } = 8;

    /// <summary>MAE decoder feed-forward width.</summary>
    public int DecoderIntermediateSize { get; set; } = 2048;

    /// <summary>Fraction of pixel patches removed by MAE masking.</summary>
    public double PixelMaskRatio { get; set; } = 0.75;

    /// <summary>Fraction of audio patches removed by MAE masking.</summary>
    public double AudioMaskRatio { get; set; } = 0.15;

    /// <summary><c>frame-level</c> (one draw per time step) or <c>patch_level</c> (accepted by 4.27.1's validation, unusable there).</summary>
    public string AudioMaskType { get; set; } = "frame-level";

    /// <summary>Whether TvltForPreTraining has the audio-video matching head.</summary>
    public bool TaskMatching { get; set; } = true;

    /// <summary>Whether TvltForPreTraining has the MAE decoder and heads.</summary>
    public bool TaskMae { get; set; } = true;

    /// <summary>Loss of TvltForAudioVisualClassification: <c>classification</c> (cross-entropy) or <c>regression</c> (MSE).</summary>
    public string LossType { get; set; } = "classification";

    /// <inheritdoc />
    public override string ModelTypeName => "tvlt";

    /// <summary>Image patches per frame.</summary>
    public int PatchesPerFrame => (ImageSize / ImagePatchSize[0]) * (ImageSize / ImagePatchSize[1]);

    /// <summary>Frequency patches per time step.</summary>
    public int FrequencyPatches => FrequencyLength / AudioPatchSize[1];

    /// <summary>Audio patches of a full-length spectrogram.</summary>
    public int AudioPatches => (SpectrogramLength / AudioPatchSize[0]) * FrequencyPatches;

    /// <summary>Loads <c>config.json</c> from a model directory.</summary>
    public static TvltConfig FromPretrained(string directory) => ConfigJson.Load<TvltConfig>(directory);

    /// <inheritdoc />
    protected internal override void ValidateFields(ConfigRules rules)
    {
        base.ValidateFields(rules);
        rules.Dimension("image_size", ImageSize, ConfigLimits.MaxImageSide);
        rules.Dimension("spectrogram_length", SpectrogramLength, ConfigLimits.MaxAudioSize);
        rules.Dimension("frequency_length", FrequencyLength, ConfigLimits.MaxAudioSize);
        rules.Require(ImagePatchSize is { Count: 2 }, "image_patch_size", "must be two integers [height, width]");
        rules.Dimension("image_patch_size", ImagePatchSize.Min(), ImageSize);
        rules.Dimension("image_patch_size", ImagePatchSize.Max(), ImageSize);
        rules.Require(AudioPatchSize is { Count: 2 }, "audio_patch_size", "must be two integers [time, frequency]");
        rules.Dimension("audio_patch_size", AudioPatchSize[0], SpectrogramLength);
        rules.Dimension("audio_patch_size", AudioPatchSize[1], FrequencyLength);
        rules.Dimension("num_image_channels", NumImageChannels, ConfigLimits.MaxChannels);
        rules.Dimension("num_audio_channels", NumAudioChannels, ConfigLimits.MaxChannels);
        rules.Dimension("num_frames", NumFrames, ConfigLimits.MaxFrames);
        var audioPatches = (long)(SpectrogramLength / AudioPatchSize[0]) * (FrequencyLength / AudioPatchSize[1]);
        var tokens = ((long)NumFrames * PatchesPerFrame) + audioPatches;
        rules.Require(tokens <= ConfigLimits.MaxSequence, "num_frames",
            $"with image_size, spectrogram_length and their patch sizes gives {tokens} tokens, above the limit of {ConfigLimits.MaxSequence}");
        rules.TransformerStack("", HiddenSize, NumAttentionHeads, NumHiddenLayers, IntermediateSize);
        rules.OneOf("hidden_act", HiddenAct, Modeling.Activations.Names);
        rules.Probability("hidden_dropout_prob", HiddenDropoutProb);
        rules.Probability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        rules.Finite("initializer_range", InitializerRange);
        rules.PositiveFinite("layer_norm_eps", LayerNormEps);
        rules.TransformerStack("decoder_", DecoderHiddenSize, DecoderNumAttentionHeads, DecoderNumHiddenLayers, DecoderIntermediateSize);
        rules.Probability("pixel_mask_ratio", PixelMaskRatio);
        rules.Probability("audio_mask_ratio", AudioMaskRatio);
        // 4.27.1's own check accepts these two spellings (its message names the other two).
        rules.OneOf("audio_mask_type", AudioMaskType, ["frame-level", "patch_level"]);
        rules.OneOf("loss_type", LossType, ["classification", "regression"]);
    }

    /// <inheritdoc />
    public override long EstimateParameterCount() => ParameterCounts.Sum(
        ParameterCounts.TransformerStack(NumHiddenLayers, HiddenSize, IntermediateSize),
        ParameterCounts.Table((long)NumImageChannels * ImagePatchSize[0] * ImagePatchSize[1], HiddenSize),
        ParameterCounts.Table((long)NumAudioChannels * AudioPatchSize[0] * AudioPatchSize[1], HiddenSize),
        ParameterCounts.Table((long)NumFrames + PatchesPerFrame + (SpectrogramLength / AudioPatchSize[0]) + FrequencyPatches, HiddenSize));
}
