namespace SharpVL.Processing.Audio;

/// <summary>
/// Band-limited sample-rate conversion by direct windowed-sinc interpolation (Hann window, 16 zero crossings
/// of the low-pass kernel on each side, cut-off at the lower of the two Nyquist frequencies). Transformers
/// itself never resamples (TvltFeatureExtractor rejects a different <c>sampling_rate</c>); this exists so that
/// files recorded at other rates can be used, and it is exact for equal rates (the samples are returned unchanged).
/// </summary>
public static class AudioResampler
{
    private const int ZeroCrossings = 16;

    /// <summary>Resamples <paramref name="samples"/> from <paramref name="sourceRate"/> to <paramref name="targetRate"/> Hz.</summary>
    /// <returns><c>ceil(length · target / source)</c> samples; the input array itself when the rates are equal.</returns>
    public static float[] Resample(float[] samples, int sourceRate, int targetRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        if (sourceRate == targetRate || samples.Length == 0)
        {
            return samples;
        }
        double step = (double)sourceRate / targetRate;
        // When downsampling the kernel is stretched so it also removes what the new rate cannot represent.
        double cutoff = Math.Min(1.0, (double)targetRate / sourceRate);
        double halfWidth = ZeroCrossings / cutoff;
        long outputLength = (long)Math.Ceiling(samples.LongLength * (double)targetRate / sourceRate);
        var output = new float[checked((int)outputLength)];
        for (int n = 0; n < output.Length; n++)
        {
            double t = n * step;
            int first = Math.Max(0, (int)Math.Ceiling(t - halfWidth));
            int last = Math.Min(samples.Length - 1, (int)Math.Floor(t + halfWidth));
            double sum = 0;
            for (int k = first; k <= last; k++)
            {
                double d = t - k;
                sum += samples[k] * Kernel(d, cutoff, halfWidth);
            }
            output[n] = (float)sum;
        }
        return output;
    }

    private static double Kernel(double distance, double cutoff, double halfWidth)
    {
        double x = cutoff * distance;
        double sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
        double window = 0.5 * (1 + Math.Cos(Math.PI * distance / halfWidth));
        return cutoff * sinc * window;
    }
}
