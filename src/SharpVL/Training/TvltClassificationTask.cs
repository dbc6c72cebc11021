using SharpVL.Models.Tvlt;
using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// Audio-visual classification with TVLT: each clip's frames (augmented like every training clip) go through the TVLT
/// image processor and its soundtrack through the TVLT feature extractor, batched with their pixel and audio masks.
/// </summary>
public sealed class TvltClassificationTask : ClassificationTask
{
    private readonly TvltProcessor _processor;
    private readonly AudioTrackReader _audio;

    /// <summary>Creates the task for a TVLT classifier whose config already names <paramref name="labels"/>.</summary>
    public TvltClassificationTask(
        TvltForAudioVisualClassification model, string sourceDirectory, VideoClipLoader clips, TvltProcessor processor,
        IReadOnlyList<string> labels, AudioTrackReader? audio = null)
        : base(model, sourceDirectory, clips, labels)
    {
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _audio = audio ?? AudioTrackReader.Default;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> HeadPrefixes => ["classifier."];

    /// <inheritdoc />
    public override PreparedBatch Prepare(IReadOnlyList<int> indices, IReadOnlyList<TrainingExample> examples, IReadOnlyList<Random>? random)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var frames = Clips.DecodeClips(examples, random);
        var pixels = _processor.ImageProcessor.Preprocess(frames, Clips.ProcessingOptions(random is not null));
        var options = _processor.FeatureExtractor.Options;
        var waveforms = examples.Select(e =>
        {
            var samples = _audio.Read(e.Path, options.SamplingRate).Samples;
            // The feature extractor needs one FFT window at least; shorter soundtracks are padded with silence.
            if (samples.Length < options.NFft)
            {
                Array.Resize(ref samples, options.NFft);
            }
            return samples;
        }).ToList();
        var audio = _processor.FeatureExtractor.Extract(waveforms, options.SamplingRate);
        return new PreparedBatch(indices, examples, pixels.Stacked!) { Payload = new TvltBatch(pixels, audio) };
    }

    /// <inheritdoc />
    protected override Dictionary<string, Tensor> ModelInputs(PreparedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var prepared = batch.Payload as TvltBatch ?? throw new ArgumentException("The batch was not prepared by the TVLT task.", nameof(batch));
        // The CPU tensors are dropped once moved; the dispose scope of the training step owns whatever survives.
        return BatchFeature.Merge(prepared.Audio.ToTensors(), prepared.Pixels.ToTensors()).ToDictionary(
            p => p.Key, p => p.Value.is_floating_point() && p.Key.EndsWith("_values", StringComparison.Ordinal) ? p.Value.to(Model.DType, Model.Device) : p.Value.to(Model.Device));
    }

    // The processors' arrays, kept until the training step turns them into tensors.
    private sealed record TvltBatch(TvltImageProcessorOutput Pixels, TvltAudioFeatures Audio);
}
