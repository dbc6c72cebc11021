using System.Buffers.Binary;
using SharpVL.Processing.Audio;
using SharpVL.Processing;
using SharpVL.Tests.Tvlt;

namespace SharpVL.Tests.Audio;

public class WavReaderTests
{
    [Fact]
    public void Pcm16IsScaledByOneOver32768Exactly()
    {
        var wav = WavWriter.Build(1, 1, 16000, 16, WavWriter.Int16(0, 1, -1, 32767, -32768, 12345));
        var waveform = WavReader.Parse(wav);
        Assert.Equal(16000, waveform.SamplingRate);
        Assert.Equal([0f, 1f / 32768, -1f / 32768, 32767f / 32768, -1f, 12345f / 32768], waveform.Samples);
    }

    [Fact]
    public void Pcm8Pcm24AndPcm32UseTheirFullScale()
    {
        Assert.Equal([-1f, 0f, 127f / 128], WavReader.Parse(WavWriter.Build(1, 1, 8000, 8, [0, 128, 255])).Samples);

        byte[] pcm24 = [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x00]; // -2^23, 2^23 - 1, 1
        Assert.Equal([-1f, (float)(8388607 / 8388608.0), (float)(1 / 8388608.0)], WavReader.Parse(WavWriter.Build(1, 1, 8000, 24, pcm24)).Samples);

        var pcm32 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(pcm32, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(pcm32.AsSpan(4), 1 << 30);
        Assert.Equal([-1f, 0.5f], WavReader.Parse(WavWriter.Build(1, 1, 8000, 32, pcm32)).Samples);
    }

    [Fact]
    public void Float32AndFloat64AreReadAsStored()
    {
        var f32 = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(f32, 0.25f);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4), -1.5f);
        Assert.Equal([0.25f, -1.5f], WavReader.Parse(WavWriter.Build(3, 1, 22050, 32, f32)).Samples);

        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, 0.1);
        var waveform = WavReader.Parse(WavWriter.Build(3, 1, 22050, 64, f64, extensible: true, extraChunk: true));
        Assert.Equal([0.1f], waveform.Samples);
        Assert.Equal(22050, waveform.SamplingRate);
    }

    [Fact]
    public void StereoIsAveragedToMono()
    {
        var wav = WavWriter.Build(1, 2, 44100, 16, WavWriter.Int16(16384, 0, -32768, 32767, 100, 100));
        var samples = WavReader.Parse(wav).Samples;
        Assert.Equal([0.25f, (float)((-1.0 + (32767 / 32768.0)) / 2), 100f / 32768], samples);
    }

    [Fact]
    public void ToneWavMatchesTheFixtureWaveformExactly()
    {
        var waveform = WavReader.Read(TestPaths.Fixture("media/tone.wav"));
        var expected = TvltFixtures.Floats(FixtureTensors.Read("media/tone_waveform.safetensors")["waveform"]);
        Assert.Equal(44100, waveform.SamplingRate);
        Assert.Equal(88200, waveform.Samples.Length);
        Assert.Equal(expected, waveform.Samples);
    }

    [Fact]
    public void BadFilesGiveClearErrors()
    {
        Assert.Contains("not a RIFF/WAVE", Assert.Throws<MediaException>(() => WavReader.Parse("hello world, not audio"u8)).Message);
        var adpcm = WavWriter.Build(2, 1, 8000, 16, WavWriter.Int16(1));
        Assert.Contains("format tag 2", Assert.Throws<MediaException>(() => WavReader.Parse(adpcm)).Message);
        var pcm12 = WavWriter.Build(1, 1, 8000, 12, []);
        Assert.Contains("12-bit", Assert.Throws<MediaException>(() => WavReader.Parse(pcm12)).Message);
        var missing = Path.Combine(Path.GetTempPath(), "sharpvl-no-such-file.wav");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => WavReader.Read(missing)).Message);
    }
}
