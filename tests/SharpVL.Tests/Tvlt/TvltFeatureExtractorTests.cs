using SharpVL.Processing.Audio;

namespace SharpVL.Tests.Tvlt;

public class TvltFeatureExtractorTests
{
    private static TvltFeatureExtractor Extractor() => TvltFeatureExtractor.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"));

    [Fact]
    public void ConfigIsReadFromTheSharedPreprocessorFile()
    {
        var options = Extractor().Options;
        Assert.Equal(64, options.SpectrogramLength);
        Assert.Equal(512, options.HopLength);
        Assert.Equal(8, options.FrequencyPatches);
        Assert.Equal(2048, options.NFft);
    }

    [Fact]
    public void ShortWaveformMatchesTransformers()
    {
        var inputs = FixtureTensors.Read("processors/tvlt_feature_extractor_short.inputs.safetensors");
        var expected = FixtureTensors.Read("processors/tvlt_feature_extractor_short.expected.safetensors");
        var features = Extractor().Extract(TvltFixtures.Floats(inputs["audio"]), samplingRate: 44100);
        // 20000 // 512 = 39 rows, padded to 48 (3 patches of 16), 3 x 8 mask ones.
        Assert.Equal([1L, 1, 48, 128], features.AudioValuesShape);
        Assert.Equal(Enumerable.Repeat(1f, 24), features.AudioMask!);
        Assert.All(features.AudioValues.Skip(39 * 128), v => Assert.Equal(0f, v));
        var tensors = features.ToTensors();
        TvltFixtures.AssertClose(expected["audio_values"], tensors["audio_values"], 1e-4, 1e-4, "audio_values");
    }

    [Fact]
    public void BatchIsPaddedToTheLongestAndMasked()
    {
        var inputs = FixtureTensors.Read("processors/tvlt_feature_extractor_batch.inputs.safetensors");
        var expected = FixtureTensors.Read("processors/tvlt_feature_extractor_batch.expected.safetensors");
        var audio = Enumerable.Range(0, 3).Select(i => TvltFixtures.Floats(inputs[$"audio.{i}"])).ToList();
        var tensors = Extractor().Extract(audio, 44100).ToTensors();
        TvltFixtures.AssertClose(expected["audio_values"], tensors["audio_values"], 1e-4, 1e-4, "audio_values");
        Assert.Equal(TvltFixtures.Floats(expected["audio_mask"]), TvltFixtures.Floats(tensors["audio_mask"]));
    }

    [Fact]
    public void MaskCanBeLeftOut()
    {
        var features = Extractor().Extract(new float[5000], 44100, returnAttentionMask: false);
        Assert.Null(features.AudioMask);
        Assert.False(features.ToTensors().ContainsKey("audio_mask"));
        // Silence: every mel value is clamped to 1e-10 (-100 dB); (-100 - 20) / 40 = -3 clips to -2, plus 1 gives -1.
        Assert.All(features.AudioValues.Take(9 * 128), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void BadInputGivesClearErrors()
    {
        var extractor = Extractor();
        var rate = Assert.Throws<ArgumentException>(() => extractor.Extract(new float[4096], samplingRate: 16000));
        Assert.Contains("16000", rate.Message);
        var shortWave = Assert.Throws<ArgumentException>(() => extractor.Extract(new float[2047], 44100));
        Assert.Contains("n_fft = 2048", shortWave.Message);
        Assert.Throws<ArgumentException>(() => extractor.Extract(Array.Empty<float[]>()));
    }
}
