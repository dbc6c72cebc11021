using SharpVL.Modeling;
using SharpVL.Models.Tvlt;
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
public sealed class AudioVisualClassificationPipeline : IDisposable
{
    /// <summary>Combines a loaded model and processor.</summary>
    public AudioVisualClassificationPipeline(TvltForAudioVisualClassification model, TvltProcessor processor)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
    }

    /// <summary>The classifier.</summary>
    public TvltForAudioVisualClassification Model { get; }

    /// <summary>The processor (the model directory's, or Transformers' defaults when it has no preprocessor_config.json).</summary>
    public TvltProcessor Processor { get; }

    /// <summary>Video decoding (ffmpeg).</summary>
    public VideoReader VideoReader { get; init; } = VideoReader.Default;

    /// <summary>Soundtrack decoding (ffmpeg).</summary>
    public AudioTrackReader AudioReader { get; init; } = AudioTrackReader.Default;

    /// <summary>
    /// Loads the model and its processor from a directory or Hub id. Without <c>preprocessor_config.json</c> the
    /// processor uses TvltProcessor's constructor defaults (see <see cref="TvltProcessor.UsedDefaults"/>).
    /// </summary>
    public static AudioVisualClassificationPipeline FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null, VideoReader? reader = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var processor = TvltProcessor.FromPretrained(directory);
        var model = TvltForAudioVisualClassification.FromPretrained(directory, options);
        return new AudioVisualClassificationPipeline(model, processor) { VideoReader = reader ?? VideoReader.Default };
    }

    /// <summary>Classifies a video file with an audio track.</summary>
    /// <exception cref="SharpVL.Processing.MediaException">The file is missing, unreadable or has no audio or video stream.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg/ffprobe are not installed.</exception>
    /// <param name="videoPath">The video.</param>
    /// <param name="topK">How many labels to return (default: all).</param>
    /// <param name="selection">Which frames to use (default <see cref="FrameSelection.Uniform"/>, at most the processor's num_frames).</param>
    public AudioVisualClassificationResult ClassifyFile(string videoPath, int? topK = null, FrameSelection? selection = null)
    {
        var info = VideoReader.Probe(videoPath);
        if (!info.HasAudio)
        {
            throw new SharpVL.Processing.MediaException(videoPath, "has no audio stream; TVLT classifies video together with its soundtrack.");
        }
        // TVLT accepts fewer frames than num_frames (the pixel mask covers the rest), so short clips use every frame.
        var clip = VideoClips.Decode(VideoReader, videoPath, selection, frameCount => Math.Min(frameCount, Processor.ImageProcessor.NumFrames));
        var audio = AudioReader.Read(videoPath, Processor.FeatureExtractor.Options.SamplingRate);
        return Classify(clip.Frames, audio, topK) with { Source = videoPath, FrameIndices = clip.FrameIndices, Damage = clip.Damage };
    }

    /// <summary>Classifies decoded frames and a waveform (resampled to the feature extractor's rate when needed).</summary>
    public AudioVisualClassificationResult Classify(IReadOnlyList<RgbImage> frames, AudioWaveform audio, int? topK = null)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var inputs = Prepare(frames, audio).ToTensors();
        using var output = Model.Forward(inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"]);
        var row = output.Logits.select(0, 0);
        var logits = row.cpu().to(ScalarType.Float32).data<float>().ToArray();
        var ranked = LabelScores.TopK(row, Model.Config.LabelOf, topK is int k && k > 0 ? k : logits.Length);
        return new AudioVisualClassificationResult(null, [], ranked, logits);
    }

    /// <summary>Runs the processor on one video and its waveform (the model inputs the pipeline uses).</summary>
    public TvltProcessorOutput Prepare(IReadOnlyList<RgbImage> frames, AudioWaveform audio)
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

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}

/// <summary>What <see cref="AudioVisualClassificationPipeline"/> found for one video.</summary>
/// <param name="Source">The video file, when classified from a file.</param>
/// <param name="FrameIndices">The frames used, when classified from a file.</param>
/// <param name="Labels">Classes sorted by probability (top-k when requested).</param>
/// <param name="Logits">Logits of every class, by index.</param>
public sealed record AudioVisualClassificationResult(
    string? Source, IReadOnlyList<int> FrameIndices, IReadOnlyList<LabelScore> Labels, IReadOnlyList<float> Logits)
{
    /// <summary>Damage met while decoding the file (clean for in-memory frames); frames are chosen again among those that
    /// decode when the stream is shorter than announced.</summary>
    public DecodeReport Damage { get; init; } = DecodeReport.Clean;
}
