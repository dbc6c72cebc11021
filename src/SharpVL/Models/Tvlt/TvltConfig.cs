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
    protected internal override void OnLoaded()
    {
        base.OnLoaded();
        if (AudioMaskType is not ("frame-level" or "patch_level"))
        {
            throw new InvalidDataException(
                $"audio_mask_type must be one of two acceptable strategies - {{'frame_level', 'patch-level'}} got {AudioMaskType}");
        }
        if (ImagePatchSize is not { Count: 2 } || AudioPatchSize is not { Count: 2 } || ImagePatchSize.Concat(AudioPatchSize).Any(p => p <= 0))
        {
            throw new InvalidDataException("image_patch_size and audio_patch_size must each be two positive integers.");
        }
        if (HiddenSize % NumAttentionHeads != 0 || DecoderHiddenSize % DecoderNumAttentionHeads != 0)
        {
            throw new InvalidDataException(
                $"hidden_size {HiddenSize} / decoder_hidden_size {DecoderHiddenSize} must be multiples of their attention heads.");
        }
    }
}
