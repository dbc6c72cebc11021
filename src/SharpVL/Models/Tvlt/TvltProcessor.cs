using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// Port of Transformers 4.27.1's <c>TvltProcessor</c>: videos go to <see cref="TvltImageProcessor"/>, audio to
/// <see cref="TvltFeatureExtractor"/>, and the outputs are merged. Both read the same <c>preprocessor_config.json</c>.
/// </summary>
public sealed class TvltProcessor : IProcessor
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
    /// <param name="imageOptions">Per-call image settings (default: the image processor's <see cref="TvltImageProcessor.Options"/>).</param>
    /// <param name="patchSize">Per-call patch size for the pixel masks (default <see cref="TvltImageProcessor.PatchSize"/>).</param>
    /// <returns>The merged tensors; the caller disposes them.</returns>
    /// <exception cref="ArgumentException">Neither videos nor audio were given, or an input is invalid.</exception>
    public BatchFeature Process(
        IReadOnlyList<IReadOnlyList<RgbImage>>? videos = null, IReadOnlyList<float[]>? audio = null,
        IReadOnlyList<IReadOnlyList<RgbImage>>? videosMixed = null, int? samplingRate = null,
        ImageProcessingOptions? imageOptions = null, IReadOnlyList<int>? patchSize = null)
    {
        if (videos is null && audio is null)
        {
            throw new ArgumentException("You need to specify either a videos or an audio input to process.");
        }
        var pixels = videos is null ? null : ImageProcessor.Preprocess(videos, imageOptions, patchSize);
        var mixed = videosMixed is null ? null : ImageProcessor.Preprocess(videosMixed, imageOptions, patchSize, isMixed: true);
        var features = audio is null ? null : FeatureExtractor.Extract(audio, samplingRate);
        return BatchFeature.Merge(features?.ToTensors(), pixels?.ToTensors(), mixed?.ToTensors());
    }

    /// <inheritdoc />
    public BatchFeature Process(ProcessorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.RejectOthers(nameof(TvltProcessor), videos: true, audio: true);
        return Process(inputs.Videos, inputs.Audio, samplingRate: inputs.SamplingRate);
    }
}
