namespace SharpVL.Processing.Audio;

/// <summary>
/// Port of Transformers 4.27.1's <c>TvltFeatureExtractor</c>: waveform → log-mel spectrogram scaled to [-1, 1]
/// ([time, freq], truncated to <c>spectrogram_length</c>), batched with zero padding and an audio patch mask.
/// </summary>
/// <remarks>
/// Float computation as the reference does it: centred frames with numpy "reflect" padding, Hann window
/// <c>np.hanning(n_fft + 1)[:-1]</c> applied in float64, float64 FFT stored as complex64, float32 power spectrum
/// with the last STFT column dropped, float32 Slaney mel filters, <c>10·log10(max(1e-10, x))</c>, floor at the
/// spectrogram's maximum − 80 dB, then <c>clip((x − 20) / 40, −2, 0) + 1</c>.
/// </remarks>
public sealed class TvltFeatureExtractor : IProcessor
{
    private readonly float[] _melFilters;
    private readonly (int First, int End)[] _melSupport;
    private readonly double[] _window;

    /// <summary>Creates an extractor with <paramref name="options"/> (default: the class's constructor defaults).</summary>
    public TvltFeatureExtractor(TvltFeatureExtractorOptions? options = null)
    {
        Options = options ?? new TvltFeatureExtractorOptions();
        Options.Validate();
        _melFilters = SlaneyMelFilterBank.Create(Options.SamplingRate, Options.NFft, Options.FeatureSize);
        _melSupport = NonZeroSupport(_melFilters, Options.FeatureSize, (Options.NFft / 2) + 1);
        int n = Options.NFft;
        _window = new double[n];
        for (int i = 0; i < n; i++)
        {
            // np.hanning(n + 1)[:-1]: 0.5 - 0.5 cos(2 pi i / n).
            _window[i] = 0.5 - (0.5 * Math.Cos(2.0 * Math.PI * i / n));
        }
    }

    /// <summary>The extractor's settings.</summary>
    public TvltFeatureExtractorOptions Options { get; }

    /// <summary>The [feature_size, n_fft/2 + 1] float32 mel filters (row-major), as <c>mel_filters</c>.</summary>
    public ReadOnlySpan<float> MelFilters => _melFilters;

    /// <summary>Loads the settings from <c>preprocessor_config.json</c> in a model directory (or that file).</summary>
    /// <exception cref="ProcessorFileNotFoundException">There is no such file.</exception>
    public static TvltFeatureExtractor FromPretrained(string directoryOrFile)
    {
        var path = ProcessorFileNotFoundException.PreprocessorConfig(directoryOrFile, nameof(TvltFeatureExtractor));
        return new TvltFeatureExtractor(TvltFeatureExtractorOptions.FromJson(File.ReadAllText(path), path));
    }

    /// <summary>Extracts features for one waveform (Transformers' non-batched call): a batch of one.</summary>
    public TvltAudioFeatures Extract(float[] waveform, int? samplingRate = null, bool returnAttentionMask = true, bool maskAudio = false)
    {
        ArgumentNullException.ThrowIfNull(waveform);
        return Extract([waveform], samplingRate, returnAttentionMask, maskAudio);
    }

    /// <summary>Extracts and batches features for several waveforms.</summary>
    /// <param name="waveforms">Mono float32 waveforms at <see cref="TvltFeatureExtractorOptions.SamplingRate"/>.</param>
    /// <param name="samplingRate">The waveforms' rate, checked against the extractor's (no resampling, as in Transformers).</param>
    /// <param name="returnAttentionMask">Whether to return <c>audio_mask</c>.</param>
    /// <param name="maskAudio">Accepted for API parity; 4.27.1 ignores it (masking happens inside the model).</param>
    /// <exception cref="ArgumentException">Empty batch, a rate mismatch, or a waveform shorter than n_fft samples.</exception>
    public TvltAudioFeatures Extract(
        IReadOnlyList<float[]> waveforms, int? samplingRate = null, bool returnAttentionMask = true, bool maskAudio = false)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        _ = maskAudio;
        if (waveforms.Count == 0)
        {
            throw new ArgumentException("No audio to process.", nameof(waveforms));
        }
        if (samplingRate is int rate && rate != Options.SamplingRate)
        {
            throw new ArgumentException(
                $"This feature extractor is set to support sampling rate of {Options.SamplingRate}. Please make sure that the provided " +
                $"waveform was sampled with {Options.SamplingRate} and not {rate} (AudioWaveform.ResampleTo converts it).",
                nameof(samplingRate));
        }
        var features = new List<(float[] Values, int Rows)>(waveforms.Count);
        for (int i = 0; i < waveforms.Count; i++)
        {
            var waveform = waveforms[i] ?? throw new ArgumentException($"Waveform {i} is null.", nameof(waveforms));
            if (waveform.Length < Options.NFft)
            {
                // 4.27.1 crashes inside np.stack here (frames of unequal length); name the cause instead.
                throw new ArgumentException(
                    $"Waveform {i} has {waveform.Length} samples; TvltFeatureExtractor needs at least n_fft = {Options.NFft}.", nameof(waveforms));
            }
            features.Add(LogMelSpectrogram(waveform));
        }
        return Batch(features, returnAttentionMask);
    }

    /// <summary>The normalised log-mel spectrogram of one waveform, [rows, feature_size] row-major, truncated to spectrogram_length.</summary>
    private (float[] Values, int Rows) LogMelSpectrogram(float[] waveform)
    {
        int nFft = Options.NFft;
        int hop = Options.HopLength;
        int bins = (nFft / 2) + 1;
        int mels = Options.FeatureSize;
        // fram_wave yields len // hop + 1 frames; the power spectrum drops the last one.
        int frames = waveform.Length / hop;
        var fft = new Fft(nFft);
        var signal = new double[nFft];
        var real = new double[nFft];
        var imag = new double[nFft];
        var power = new float[bins];
        var melSpec = new float[frames * mels]; // [frame, mel]
        for (int f = 0; f < frames; f++)
        {
            FillFrame(waveform, f * hop, signal);
            for (int j = 0; j < nFft; j++)
            {
                signal[j] *= _window[j];
            }
            fft.Forward(signal, real, imag);
            for (int k = 0; k < bins; k++)
            {
                // Stored as complex64, then |.| and squared in float32.
                float re = (float)real[k], im = (float)imag[k];
                float magnitude = (float)Math.Sqrt(((double)re * re) + ((double)im * im));
                power[k] = magnitude * magnitude;
            }
            for (int m = 0; m < mels; m++)
            {
                double sum = 0;
                int row = m * bins;
                // Each triangle covers a few bins; the zeros elsewhere add nothing.
                for (int k = _melSupport[m].First; k < _melSupport[m].End; k++)
                {
                    sum += (double)_melFilters[row + k] * power[k];
                }
                melSpec[(f * mels) + m] = (float)sum;
            }
        }
        float max = float.NegativeInfinity;
        for (int i = 0; i < melSpec.Length; i++)
        {
            float db = 10.0f * (float)Math.Log10(Math.Max(1e-10f, melSpec[i]));
            melSpec[i] = db;
            max = Math.Max(max, db);
        }
        // The floor uses the maximum over the whole spectrogram, before truncation.
        float floor = max - 80.0f;
        int rows = Math.Min(frames, Options.SpectrogramLength);
        var values = new float[rows * mels];
        for (int i = 0; i < values.Length; i++)
        {
            float db = Math.Max(melSpec[i], floor) - 20.0f;
            values[i] = Math.Clamp(db / 40.0f, -2.0f, 0.0f) + 1.0f;
        }
        return (values, rows);
    }

    /// <summary>
    /// Copies the centred frame starting at sample <c>center - half</c> into <paramref name="frame"/>, reflecting at
    /// the ends exactly like fram_wave's <c>np.pad(waveform[start:end], mode="reflect")</c> (edge sample not repeated;
    /// pads longer than the slice keep reflecting).
    /// </summary>
    private void FillFrame(float[] waveform, int center, double[] frame)
    {
        int half = ((Options.NFft - 1) / 2) + 1;
        int length = waveform.Length;
        bool atStart = center <= half;
        if (atStart)
        {
            int end = center < length - half ? center + half : length;
            int padLeft = half - center;
            for (int j = 0; j < frame.Length; j++)
            {
                frame[j] = waveform[Reflect(j - padLeft, end)];
            }
        }
        else if (center >= length - half)
        {
            int start = center - half;
            int sliceLength = length - start;
            for (int j = 0; j < frame.Length; j++)
            {
                frame[j] = waveform[start + Reflect(j, sliceLength)];
            }
        }
        else
        {
            for (int j = 0; j < frame.Length; j++)
            {
                frame[j] = waveform[center - half + j];
            }
        }
    }

    private static (int First, int End)[] NonZeroSupport(float[] filters, int mels, int bins)
    {
        var support = new (int First, int End)[mels];
        for (int m = 0; m < mels; m++)
        {
            var row = filters.AsSpan(m * bins, bins);
            int first = row.IndexOfAnyExcept(0f);
            support[m] = first < 0 ? (0, 0) : (first, row.LastIndexOfAnyExcept(0f) + 1);
        }
        return support;
    }

    /// <summary>numpy "reflect" index into a slice of <paramref name="length"/> samples (period 2·(length − 1)).</summary>
    private static int Reflect(int index, int length)
    {
        if (index >= 0 && index < length)
        {
            return index;
        }
        int period = 2 * (length - 1);
        int m = ((index % period) + period) % period;
        return m < length ? m : period - m;
    }

    private TvltAudioFeatures Batch(List<(float[] Values, int Rows)> features, bool returnAttentionMask)
    {
        int patchRows = Options.PatchSize[0];
        int freqPatches = Options.FrequencyPatches;
        int mels = Options.FeatureSize;
        var patchCounts = features.Select(f => ((f.Rows + patchRows - 1) / patchRows) * freqPatches).ToArray();
        int maxPatches = patchCounts.Max();
        int maxRows = maxPatches / freqPatches * patchRows;
        int batch = features.Count;
        var values = new float[(long)batch * maxRows * mels];
        Array.Fill(values, (float)Options.PaddingValue);
        for (int b = 0; b < batch; b++)
        {
            features[b].Values.CopyTo(values, (long)b * maxRows * mels);
        }
        float[]? mask = null;
        if (returnAttentionMask)
        {
            mask = new float[batch * maxPatches];
            for (int b = 0; b < batch; b++)
            {
                mask.AsSpan(b * maxPatches, patchCounts[b]).Fill(1f);
            }
        }
        return new TvltAudioFeatures(
            values, [batch, 1, maxRows, mels], mask, returnAttentionMask ? [batch, maxPatches] : null);
    }

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(TvltFeatureExtractor), audio: true);
        return Extract(inputs.Audio ?? throw new ArgumentException("TvltFeatureExtractor needs audio."), inputs.SamplingRate).ToTensors();
    }
}
