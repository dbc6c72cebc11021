using System.Text.Json;
using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// Port of Transformers 4.27.1's <c>TvltProcessor</c>: videos go to <see cref="TvltImageProcessor"/>, audio to
/// <see cref="TvltFeatureExtractor"/>, and the outputs are merged. Both read the same <c>preprocessor_config.json</c>.
/// </summary>
public sealed class TvltProcessor
{
    /// <summary>Combines the two processors.</summary>
    public TvltProcessor(TvltImageProcessor imageProcessor, TvltFeatureExtractor featureExtractor)
    {
        ImageProcessor = imageProcessor ?? throw new ArgumentNullException(nameof(imageProcessor));
        FeatureExtractor = featureExtractor ?? throw new ArgumentNullException(nameof(featureExtractor));
    }

    /// <summary>The video part.</summary>
    public TvltImageProcessor ImageProcessor { get; }

    /// <summary>The audio part.</summary>
    public TvltFeatureExtractor FeatureExtractor { get; }

    /// <summary>A processor with both classes' constructor defaults (224-pixel frames, 8 frames, 44.1 kHz, 2048 spectrogram rows).</summary>
    public static TvltProcessor CreateDefault() => new(new TvltImageProcessor(), new TvltFeatureExtractor());

    /// <summary>
    /// Loads both parts from a model directory's <c>preprocessor_config.json</c> (or that file). For the Transformers
    /// constructor defaults, use <see cref="CreateDefault"/>.
    /// </summary>
    /// <exception cref="ProcessorFileNotFoundException">There is no <c>preprocessor_config.json</c>.</exception>
    public static TvltProcessor FromPretrained(string directory)
    {
        var path = ProcessorFileNotFoundException.PreprocessorConfig(directory, nameof(TvltProcessor));
        string json = File.ReadAllText(path);
        return new TvltProcessor(TvltImageProcessor.FromJson(json, path), new TvltFeatureExtractor(TvltFeatureExtractorOptions.FromJson(json, path)));
    }

    /// <summary>Processes videos and/or audio (at least one).</summary>
    /// <param name="videos">Videos (lists of RGB frames) → <c>pixel_values</c>, <c>pixel_mask</c>.</param>
    /// <param name="audio">Waveforms → <c>audio_values</c>, <c>audio_mask</c>.</param>
    /// <param name="videosMixed">Matching-task videos → <c>pixel_values_mixed</c>, <c>pixel_mask_mixed</c>.</param>
    /// <param name="samplingRate">The waveforms' rate (checked against the feature extractor's).</param>
    /// <param name="callArguments">Further Python-style keyword arguments for the image processor (e.g. <c>do_center_crop</c>).</param>
    /// <exception cref="ArgumentException">Neither videos nor audio were given, or an input is invalid.</exception>
    public TvltProcessorOutput Process(
        IReadOnlyList<IReadOnlyList<RgbImage>>? videos = null, IReadOnlyList<float[]>? audio = null,
        IReadOnlyList<IReadOnlyList<RgbImage>>? videosMixed = null, int? samplingRate = null,
        IReadOnlyDictionary<string, JsonElement>? callArguments = null)
    {
        if (videos is null && audio is null)
        {
            throw new ArgumentException("You need to specify either a videos or an audio input to process.");
        }
        var imageArguments = (callArguments ?? new Dictionary<string, JsonElement>())
            .Where(p => p.Key != "is_mixed")
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var pixels = videos is null ? null : ImageProcessor.Preprocess(videos, imageArguments);
        TvltImageProcessorOutput? mixed = null;
        if (videosMixed is not null)
        {
            var mixedArguments = new Dictionary<string, JsonElement>(imageArguments) { ["is_mixed"] = JsonSerializer.SerializeToElement(true) };
            mixed = ImageProcessor.Preprocess(videosMixed, mixedArguments);
        }
        var features = audio is null ? null : FeatureExtractor.Extract(audio, samplingRate);
        return new TvltProcessorOutput(pixels, features, mixed);
    }
}

/// <summary>The merged outputs of <see cref="TvltProcessor"/>.</summary>
/// <param name="Pixels"><c>pixel_values</c>/<c>pixel_mask</c>, when videos were given.</param>
/// <param name="Audio"><c>audio_values</c>/<c>audio_mask</c>, when audio was given.</param>
/// <param name="PixelsMixed"><c>pixel_values_mixed</c>/<c>pixel_mask_mixed</c>, when mixed videos were given.</param>
public sealed record TvltProcessorOutput(TvltImageProcessorOutput? Pixels, TvltAudioFeatures? Audio, TvltImageProcessorOutput? PixelsMixed)
{
    /// <summary>Every output as a new CPU tensor under Transformers' key names; the caller disposes them.</summary>
    public Dictionary<string, Tensor> ToTensors()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var part in new[] { Audio?.ToTensors(), Pixels?.ToTensors(), PixelsMixed?.ToTensors() })
        {
            foreach (var (key, value) in part ?? [])
            {
                result[key] = value;
            }
        }
        return result;
    }
}
