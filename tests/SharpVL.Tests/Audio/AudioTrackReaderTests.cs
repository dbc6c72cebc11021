using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Video;
using SharpVL.Tests.Tvlt;

namespace SharpVL.Tests.Audio;

public class AudioTrackReaderTests
{
    [Fact]
    public void AacSoundtrackMatchesPyAvsDecoderOutput()
    {
        var waveform = AudioTrackReader.Default.Read(TestPaths.Fixture("media/clip_with_audio.mp4"));
        var expected = TvltFixtures.Floats(FixtureTensors.Read("media/clip_with_audio_waveform.safetensors")["waveform"]);
        Assert.Equal(44100, waveform.SamplingRate);
        // Priming skipped, trailing padding kept: 87 frames x 1024 samples.
        Assert.Equal(89088, waveform.Samples.Length);
        var worst = expected.Zip(waveform.Samples, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 2e-3, $"max abs error {worst}");
    }

    [Fact]
    public void ResamplesToTheRequestedRate()
    {
        var waveform = AudioFile.Read(TestPaths.Fixture("media/clip_with_audio.mp4"), targetSampleRate: 22050);
        Assert.Equal(22050, waveform.SamplingRate);
        Assert.Equal(89088 / 2, waveform.Samples.Length);
    }

    [Fact]
    public void VideoWithoutAudioIsAClearError()
    {
        var path = TestPaths.Fixture("media/clip.mp4");
        var error = Assert.Throws<MediaException>(() => AudioTrackReader.Default.Read(path));
        Assert.Contains("has no audio stream", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void MissingFfmpegIsNamed()
    {
        var reader = new AudioTrackReader("/no/such/ffmpeg", "/no/such/ffprobe");
        var error = Assert.Throws<FfmpegNotFoundException>(() => reader.Read(TestPaths.Fixture("media/clip_with_audio.mp4")));
        Assert.Equal("/no/such/ffprobe", error.Executable);
    }

    [Fact]
    public void WavFilesAreReadWithoutFfmpeg()
    {
        var waveform = AudioFile.Read(TestPaths.Fixture("media/tone.wav"));
        Assert.Equal(88200, waveform.Samples.Length);
        Assert.Equal(44100, waveform.SamplingRate);
    }
}
