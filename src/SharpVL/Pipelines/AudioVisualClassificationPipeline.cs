using SharpVL.Modeling;
using SharpVL.Models.Tvlt;
using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Audio-visual classification with TVLT: a video file (frames + soundtrack) → <see cref="TvltProcessor"/> →
/// <see cref="TvltForAudioVisualClassification"/> → labels with softmax probabilities.
/// </summary>
/// <remarks>
/// Frames: up to the processor's <c>num_frames</c> frames chosen by a <see cref="FrameSelection"/> (default: uniform
/// segments, as <c>sharpvl classify</c>). Audio: the first audio stream decoded by ffmpeg at its own rate, averaged to mono and
/// resampled to the feature extractor's rate by <see cref="AudioResampler"/> when the rates differ; a soundtrack
/// shorter than n_fft samples is zero-padded to n_fft (Transformers would fail on it).
/// </remarks>
public sealed class AudioVisualClassificationPipeline : ClassificationPipeline<TvltForAudioVisualClassification>
{
    /// <summary>Wraps a loaded model and processor; see <see cref="IPipeline"/> for the ownership rule.</summary>
    public AudioVisualClassificationPipeline(
        TvltForAudioVisualClassification model, TvltProcessor processor, VideoReader? reader = null, bool ownsModel = false)
        : base(model, ownsModel, batchSize: 4)
    {
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Reader = reader ?? VideoReader.Default;
    }

    /// <inheritdoc />
    public override string Task => PipelineTasks.AudioVisualClassification;

    private protected override bool ZeroShot => false;

    private protected override bool TakesVideo => true;

    /// <summary>The processor.</summary>
    public TvltProcessor Processor { get; }

    /// <summary>Video decoding (ffmpeg).</summary>
    public VideoReader Reader { get; }

    /// <summary>Soundtrack decoding (ffmpeg).</summary>
    public AudioTrackReader AudioReader { get; init; } = AudioTrackReader.Default;

    /// <summary>
    /// Loads the model and its processor from a directory or Hub id. A directory without <c>preprocessor_config.json</c>
    /// is an error; to use TVLT's defaults, pass <see cref="TvltProcessor.CreateDefault"/> to the constructor.
    /// </summary>
    public static AudioVisualClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var processor = TvltProcessor.FromPretrained(directory);
        return Build(
            () => TvltForAudioVisualClassification.FromPretrained(directory, options),
            model => new AudioVisualClassificationPipeline(model, processor, reader, ownsModel: true));
    }

    private protected override IEnumerable<IReadOnlyList<ClassificationResult>> ClassifyBatches(IReadOnlyList<string> paths, ClassificationOptions options)
        => paths.Chunk(BatchSize).Select(batch => (IReadOnlyList<ClassificationResult>)[.. batch.Select(path => ClassifyOne(path, options))]);

    // TVLT's masks differ per clip (frame count, audio length), so each video is its own forward pass.
    private ClassificationResult ClassifyOne(string videoPath, ClassificationOptions options)
    {
        var info = Reader.Probe(videoPath);
        if (!info.HasAudio)
        {
            throw new SharpVL.Processing.MediaException(videoPath, "has no audio stream; TVLT classifies video together with its soundtrack.");
        }
        // TVLT accepts fewer frames than num_frames (the pixel mask covers the rest), so short clips use every frame.
        var clip = VideoClips.Decode(Reader, videoPath, options.Frames, frameCount => Math.Min(frameCount, Processor.ImageProcessor.NumFrames));
        var audio = AudioReader.Read(videoPath, Processor.FeatureExtractor.Options.SamplingRate);
        return Run(clip.Frames, audio, options.TopK) with { Source = videoPath, FrameIndices = clip.FrameIndices, Damage = clip.Damage };
    }

    /// <summary>Classifies decoded frames and a waveform (resampled to the feature extractor's rate when needed).</summary>
    public ClassificationResult Classify(IReadOnlyList<RgbImage> frames, AudioWaveform audio, ClassificationOptions? options = null)
        => Run(frames, audio, Check(options).TopK);

    private ClassificationResult Run(IReadOnlyList<RgbImage> frames, AudioWaveform audio, int? topK)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        using var inputs = Prepare(frames, audio);
        using var output = Model.Forward(inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"]);
        return ClassificationResult.FromLogits(null, [], output.Logits.select(0, 0), Model.Config.LabelOf, topK);
    }

    /// <summary>Runs the processor on one video and its waveform (the model inputs the pipeline uses, on the CPU); the caller disposes them.</summary>
    public BatchFeature Prepare(IReadOnlyList<RgbImage> frames, AudioWaveform audio)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(audio);
        var options = Processor.FeatureExtractor.Options;
        var samples = audio.ResampleTo(options.SamplingRate).Samples;
        if (samples.Length < options.NFft)
        {
            Array.Resize(ref samples, options.NFft);
        }
        return Processor.Process([frames], [samples], samplingRate: options.SamplingRate);
    }
}
