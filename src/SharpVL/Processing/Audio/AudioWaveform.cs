namespace SharpVL.Processing.Audio;

/// <summary>A mono waveform: float32 samples (nominally in [-1, 1]) and their sampling rate.</summary>
public sealed class AudioWaveform
{
    /// <summary>Wraps <paramref name="samples"/> (not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sampling rate is not positive.</exception>
    public AudioWaveform(float[] samples, int samplingRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplingRate);
        Samples = samples;
        SamplingRate = samplingRate;
    }

    /// <summary>The samples.</summary>
    public float[] Samples { get; }

    /// <summary>Samples per second.</summary>
    public int SamplingRate { get; }

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => (double)Samples.Length / SamplingRate;

    /// <summary>This waveform at <paramref name="targetRate"/> (itself when the rate already matches), see <see cref="AudioResampler"/>.</summary>
    public AudioWaveform ResampleTo(int targetRate) =>
        targetRate == SamplingRate ? this : new AudioWaveform(AudioResampler.Resample(Samples, SamplingRate, targetRate), targetRate);
}
