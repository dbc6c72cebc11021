using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Processing.Audio;

/// <summary>
/// What <see cref="TvltFeatureExtractor"/> returns: <c>audio_values</c> float32 [batch, 1, time, freq] (time rows
/// padded to a multiple of the patch height) and <c>audio_mask</c> float32 [batch, audio patches].
/// </summary>
public sealed class TvltAudioFeatures
{
    /// <summary>Wraps the arrays (not copied).</summary>
    public TvltAudioFeatures(float[] audioValues, long[] audioValuesShape, float[]? audioMask, long[]? audioMaskShape)
    {
        ArgumentNullException.ThrowIfNull(audioValues);
        ArgumentNullException.ThrowIfNull(audioValuesShape);
        AudioValues = audioValues;
        AudioValuesShape = audioValuesShape;
        AudioMask = audioMask;
        AudioMaskShape = audioMaskShape;
    }

    /// <summary>Log-mel features in [-1, 1], C order.</summary>
    public float[] AudioValues { get; }

    /// <summary>[batch, channels, time, freq].</summary>
    public long[] AudioValuesShape { get; }

    /// <summary>1 for patches holding real audio, 0 for padding; null when the mask was not requested.</summary>
    public float[]? AudioMask { get; }

    /// <summary>[batch, patches], or null.</summary>
    public long[]? AudioMaskShape { get; }

    /// <summary>The outputs as new CPU float32 tensors under Transformers' names (<c>audio_values</c>, <c>audio_mask</c>); the caller disposes them.</summary>
    public BatchFeature ToTensors()
    {
        TorchRuntime.EnsureInitialized();
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal)
        {
            ["audio_values"] = torch.tensor(AudioValues, AudioValuesShape, torch.ScalarType.Float32),
        };
        if (AudioMask is not null && AudioMaskShape is not null)
        {
            result["audio_mask"] = torch.tensor(AudioMask, AudioMaskShape, torch.ScalarType.Float32);
        }
        return new BatchFeature(result);
    }
}
