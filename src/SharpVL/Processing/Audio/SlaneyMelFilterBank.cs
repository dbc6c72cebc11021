namespace SharpVL.Processing.Audio;

/// <summary>
/// The float32 mel filter bank of Transformers 4.27.1's TvltFeatureExtractor (<c>get_mel_filters</c>, copied from
/// Whisper with a different top): Slaney mel scale (linear below 1 kHz, logarithmic above), triangular filters
/// between band edges spaced evenly from mel 0 to the hard-coded 59.99247463746737 (about 22.05 kHz, whatever the
/// sampling rate), Slaney area normalisation.
/// </summary>
public static class SlaneyMelFilterBank
{
    /// <summary>The fixed upper mel edge of 4.27.1's TVLT filter bank.</summary>
    public const double MaxMel = 59.99247463746737;

    /// <summary>Computes the [<paramref name="melBands"/>, n_fft/2 + 1] weights, row-major.</summary>
    public static float[] Create(int samplingRate, int nFft, int melBands)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplingRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nFft);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(melBands);
        int bins = 1 + (nFft / 2);
        // np.fft.rfftfreq: arange * (1 / (n * d)) with d = 1 / sr.
        double binSpacing = 1.0 / (nFft * (1.0 / samplingRate));
        var fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++)
        {
            fftFreqs[k] = k * binSpacing;
        }
        // np.linspace(0, max_mel, n_mels + 2): i * step, with the last point set to the end exactly.
        int edges = melBands + 2;
        double step = MaxMel / (edges - 1);
        const double fSp = 200.0 / 3;
        const double minLogHz = 1000.0;
        double minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        var edgeHz = new double[edges];
        for (int i = 0; i < edges; i++)
        {
            double mel = i == edges - 1 ? MaxMel : i * step;
            edgeHz[i] = mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
        }
        var weights = new float[melBands * bins];
        for (int m = 0; m < melBands; m++)
        {
            double lowerWidth = edgeHz[m + 1] - edgeHz[m];
            double upperWidth = edgeHz[m + 2] - edgeHz[m + 1];
            double enorm = 2.0 / (edgeHz[m + 2] - edgeHz[m]);
            for (int k = 0; k < bins; k++)
            {
                double lower = -(edgeHz[m] - fftFreqs[k]) / lowerWidth;
                double upper = (edgeHz[m + 2] - fftFreqs[k]) / upperWidth;
                // The triangle is stored as float32 first, then scaled in float64 and stored again (numpy's in-place *=).
                float triangle = (float)Math.Max(0, Math.Min(lower, upper));
                weights[(m * bins) + k] = (float)(triangle * enorm);
            }
        }
        return weights;
    }
}
