using System.Text.Json;
using SharpVL.Configuration;

namespace SharpVL.Processing.Audio;

/// <summary>
/// The settings of Transformers 4.27.1's <c>TvltFeatureExtractor</c> as stored in <c>preprocessor_config.json</c>
/// (which TVLT shares with the image processor), with the class's constructor defaults.
/// </summary>
public sealed record TvltFeatureExtractorOptions
{
    /// <summary>Maximum spectrogram rows kept (<c>spectrogram_length</c>).</summary>
    public int SpectrogramLength { get; init; } = 2048;

    /// <summary>Audio channels of <c>audio_values</c> (<c>num_channels</c>).</summary>
    public int NumChannels { get; init; } = 1;

    /// <summary>Audio patch [time, freq] (<c>patch_size</c>, shared with the image processor's key).</summary>
    public IReadOnlyList<int> PatchSize { get; init; } = [16, 16];

    /// <summary>Mel bands (<c>feature_size</c>).</summary>
    public int FeatureSize { get; init; } = 128;

    /// <summary>Expected input rate in Hz (<c>sampling_rate</c>).</summary>
    public int SamplingRate { get; init; } = 44100;

    /// <summary>Frames per second of the STFT: hop = sampling_rate // this (<c>hop_length_to_sampling_rate</c>).</summary>
    public int HopLengthToSamplingRate { get; init; } = 86;

    /// <summary>STFT window and FFT size (<c>n_fft</c>).</summary>
    public int NFft { get; init; } = 2048;

    /// <summary>Value of padded spectrogram rows (<c>padding_value</c>).</summary>
    public double PaddingValue { get; init; }

    /// <summary>STFT hop in samples, derived as Transformers does (a saved <c>hop_length</c> is ignored).</summary>
    public int HopLength => SamplingRate / HopLengthToSamplingRate;

    /// <summary>Frequency patches per time step: feature_size // patch_size[1].</summary>
    public int FrequencyPatches => FeatureSize / PatchSize[1];

    /// <summary>Reads the feature-extractor keys of a <c>preprocessor_config.json</c> text; other keys are ignored.</summary>
    /// <exception cref="ConfigException">Invalid JSON or a badly typed / out-of-range value; the message names the file and the key.</exception>
    public static TvltFeatureExtractorOptions FromJson(string json, string source = "preprocessor_config.json")
    {
        using (var doc = PreprocessorJson.ParseObject(json, source))
        {
            var root = doc.RootElement;
            var d = new TvltFeatureExtractorOptions();
            var options = new TvltFeatureExtractorOptions
            {
                SpectrogramLength = Int(root, "spectrogram_length", d.SpectrogramLength, source),
                NumChannels = Int(root, "num_channels", d.NumChannels, source),
                PatchSize = root.TryGetProperty("patch_size", out var p) && p.ValueKind == JsonValueKind.Array
                    ? p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Bad(source, "patch_size", p)).ToArray()
                    : d.PatchSize,
                FeatureSize = Int(root, "feature_size", d.FeatureSize, source),
                SamplingRate = Int(root, "sampling_rate", d.SamplingRate, source),
                HopLengthToSamplingRate = Int(root, "hop_length_to_sampling_rate", d.HopLengthToSamplingRate, source),
                NFft = Int(root, "n_fft", d.NFft, source),
                PaddingValue = root.TryGetProperty("padding_value", out var pv) && pv.ValueKind == JsonValueKind.Number
                    && pv.TryGetDouble(out var padding) && double.IsFinite(padding) ? padding : d.PaddingValue,
            };
            options.Validate(source);
            return options;
        }
    }

    /// <summary>Checks the values can describe a working extractor.</summary>
    /// <exception cref="ConfigException">A value is out of range; the message names <paramref name="source"/> and the key.</exception>
    public void Validate(string source = "TvltFeatureExtractor options")
    {
        var rules = new ConfigRules(source, File.Exists(source) ? source : null);
        rules.Require(PatchSize.Count == 2, "patch_size", $"must be two positive integers, got [{string.Join(", ", PatchSize)}]");
        rules.Dimension("spectrogram_length", SpectrogramLength, ConfigLimits.MaxAudioSize);
        rules.Dimension("feature_size", FeatureSize, ConfigLimits.MaxAudioSize);
        rules.Dimension("patch_size", PatchSize[0], SpectrogramLength);
        rules.Dimension("patch_size", PatchSize[1], FeatureSize);
        rules.Dimension("num_channels", NumChannels, ConfigLimits.MaxChannels);
        rules.Dimension("sampling_rate", SamplingRate, ConfigLimits.MaxAudioSize);
        rules.Dimension("hop_length_to_sampling_rate", HopLengthToSamplingRate, SamplingRate);
        // fram_wave makes frames of 2 * ((n_fft - 1) // 2 + 1) samples, which only equals n_fft for even sizes.
        rules.Dimension("n_fft", NFft, ConfigLimits.MaxAudioSize);
        rules.Require(NFft >= 2 && NFft % 2 == 0, "n_fft", $"must be an even number >= 2, got {NFft}");
        rules.Finite("padding_value", PaddingValue);
    }

    private static int Int(JsonElement root, string key, int fallback, string source)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int v) ? v : throw Bad(source, key, value);
    }

    private static ConfigException Bad(string source, string key, JsonElement value) =>
        PreprocessorJson.Fail(source, key, $"has an invalid value {TextForMessages.Printable(value.GetRawText())}.");
}
