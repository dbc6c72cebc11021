using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Pipelines;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Video;
using SharpVL.Tests.Cli;

namespace SharpVL.Tests.Tvlt;

public class AudioVisualClassificationTests
{
    private const string Model = "models/tvlt-tiny-avclassification";

    [Fact]
    public void PipelineReproducesTheFixtureLogitsFromDecodedFramesAndToneWav()
    {
        var expected = FixtureTensors.Read("cases/pipeline_tvlt_classification_from_mp4.expected.safetensors");
        using var pipeline = AudioVisualClassificationPipeline.FromPretrained(TestPaths.Fixture(Model), ModelLoadOptions.Quiet);
        var frames = VideoReader.Default.ReadFrames(TestPaths.Fixture("media/clip_with_audio.mp4"), [0, 12, 24, 36]);
        var result = pipeline.Classify(frames, WavReader.Read(TestPaths.Fixture("media/tone.wav")));
        var logits = TvltFixtures.Floats(expected["logits"]);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.Equal(logits[i], result.Logits[i], 2e-4);
        }
        Assert.Equal(["positive", "negative", "neutral"], result.Labels.Select(l => l.Label));
        Assert.Equal(1.0, result.Labels.Sum(l => l.Score), 5);
    }

    [Fact]
    public void ClassifyFileUsesTheSoundtrackAndRecordsTheFrames()
    {
        using var pipeline = AudioVisualClassificationPipeline.FromPretrained(TestPaths.Fixture(Model), ModelLoadOptions.Quiet);
        var path = TestPaths.Fixture("media/clip_with_audio.mp4");
        var result = pipeline.Classify(path, new ClassificationOptions { TopK = 2, Frames = FrameSelection.Indices([0, 12, 24, 36]) });
        Assert.Equal(path, result.Source);
        Assert.Equal([0, 12, 24, 36], result.FrameIndices);
        Assert.Equal(2, result.Labels.Count);
        Assert.Equal(3, result.Logits.Count);
        // The AAC soundtrack is a lossy copy of tone.wav: same ranking as the lossless fixture run.
        Assert.Equal("positive", result.Labels[0].Label);
        Assert.Contains("no audio stream", Assert.Throws<SharpVL.Processing.MediaException>(() => pipeline.Classify(TestPaths.Fixture("media/clip.mp4"))).Message);
    }

    [Fact]
    public void ResamplesAudioAtOtherRates()
    {
        using var pipeline = AudioVisualClassificationPipeline.FromPretrained(TestPaths.Fixture(Model), ModelLoadOptions.Quiet);
        var frames = VideoReader.Default.ReadFrames(TestPaths.Fixture("media/clip.mp4"), [0, 12]);
        var tone = WavReader.Read(TestPaths.Fixture("media/tone.wav"));
        var at16k = new AudioWaveform(AudioResampler.Resample(tone.Samples, 44100, 16000), 16000);
        using var inputs = pipeline.Prepare(frames, at16k);
        Assert.Equal(44100, pipeline.Processor.FeatureExtractor.Options.SamplingRate);
        Assert.Equal([1L, 1, 64, 128], inputs.AudioValues!.shape);
        Assert.Equal([1L, 8], inputs.PixelMask!.shape); // two frames of four patches
        Assert.Equal([1L, 2, 3, 32, 32], inputs.PixelValues!.shape);
        Assert.Equal(8L, inputs.PixelMask.sum().item<long>());
    }

    [Fact]
    public void CliPrintsJsonLabelsForTheClipWithAudio()
    {
        var (exit, stdout, stderr) = CliRunner.Run(
            "av-classify", "tests/fixtures/media/clip_with_audio.mp4", "--model", "tests/fixtures/" + Model, "--json", "--frame-indices", "0,12,24,36");
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement.GetProperty("results")[0];
        Assert.Equal([0, 12, 24, 36], root.GetProperty("frame_indices").EnumerateArray().Select(e => e.GetInt32()));
        var labels = root.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()).ToList();
        Assert.Equal(["positive", "negative", "neutral"], labels);
        Assert.DoesNotContain("warning:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void CliReportsAVideoWithoutSoundClearly()
    {
        var (exit, _, stderr) = CliRunner.Run("av-classify", "tests/fixtures/media/clip.mp4", "--model", "tests/fixtures/" + Model);
        Assert.Equal(1, exit);
        Assert.Contains("has no audio stream", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
