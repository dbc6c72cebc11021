using SharpVL.Modeling;
using SharpVL.Models.Tvlt;
using static TorchSharp.torch;

namespace SharpVL.Tests.Tvlt;

public class TvltMaskingTests
{

    [Fact]
    public void StableArgsortOfInjectedNoiseMatchesTheStableReference()
    {
        // Only the noise is injected: SharpVL sorts it stably, which the fixture's second expected file reproduces.
        var inputs = FixtureTensors.Read("cases/tvlt_model_masked.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/tvlt_model_masked.expected_stable_argsort.safetensors");
        using var model = TvltModel.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"), ModelLoadOptions.Quiet);
        using var output = model.Forward(
            inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"],
            maskPixel: true, maskAudio: true, outputHiddenStates: true,
            noise: new TvltMaskingNoise(inputs["rng.pixel_mask_noise"], inputs["rng.audio_mask_noise"]));
        var produced = output.Flatten().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(expected.Keys.Order(), produced.Keys.Order());
        foreach (var (key, value) in expected)
        {
            TvltFixtures.AssertClose(value, produced[key], 1e-4, 1e-4, key);
        }
        // len_keep = int(16 * 0.25) = 4 pixel tokens and int(32 * 0.75) = 24 audio tokens.
        Assert.Equal([2L, 29, 32], output.LastHiddenState.shape);
        Assert.Equal(ScalarType.Int64, output.AudioIdsRestore!.dtype);
    }

    [Fact]
    public void TrainModePreTrainingWithStableArgsortMatchesTheStableReference()
    {
        var inputs = FixtureTensors.Read("cases/tvlt_pretraining_train_mode.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/tvlt_pretraining_train_mode.expected_stable_argsort.safetensors");
        using var model = TvltForPreTraining.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"), ModelLoadOptions.Quiet);
        model.train();
        using var output = model.Forward(
            inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"], inputs["labels"],
            inputs["pixel_values_mixed"], inputs["pixel_mask_mixed"], outputHiddenStates: true,
            noise: new TvltMaskingNoise(inputs["rng.pixel_mask_noise"], inputs["rng.audio_mask_noise"]));
        var produced = output.Flatten().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, value) in expected)
        {
            TvltFixtures.AssertClose(value, produced[key], 1e-4, 1e-4, key);
        }
    }

    [Fact]
    public void EvalModePreTrainingRunsOnlyTheMatchingTask()
    {
        var inputs = FixtureTensors.Read("cases/tvlt_pretraining_eval_mode.inputs.safetensors");
        using var model = TvltForPreTraining.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"), ModelLoadOptions.Quiet);
        using var output = model.Forward(
            inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"], inputs["labels"],
            inputs["pixel_values_mixed"], inputs["pixel_mask_mixed"]);
        Assert.Null(output.PixelLogits);
        Assert.Null(output.AudioLogits);
        Assert.Equal(["loss", "matching_logits"], output.Flatten().Select(p => p.Key).Order());
        var error = Assert.Throws<ArgumentException>(() => model.Forward(inputs["pixel_values"], inputs["audio_values"]));
        Assert.Contains("requires labels", error.Message);
    }

    [Fact]
    public void GeneratedNoiseMasksFrameLevelAudioAndIsReproducible()
    {
        var inputs = FixtureTensors.Read("cases/tvlt_model.inputs.safetensors");
        using var model = TvltModel.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"), ModelLoadOptions.Quiet);
        TvltModelOutput Run(long seed) => model.Forward(
            inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"], maskPixel: true, maskAudio: true,
            noise: new TvltMaskingNoise(Generator: new Generator((ulong)seed)));
        using var first = Run(3);
        using var again = Run(3);
        Assert.True(first.LastHiddenState.allclose(again.LastHiddenState, 0, 0));
        // Audio sample 1 has 24 real patches of 32; frame-level masking removes whole time steps (8 frequency patches each).
        var labels = TvltFixtures.Floats(first.AudioLabelMasks!);
        var restore = first.AudioIdsRestore!.data<long>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i), restore.Skip(b * 32).Take(32).Order());
            for (int t = 0; t < 4; t++)
            {
                Assert.Single(labels.Skip((b * 32) + (t * 8)).Take(8).Distinct());
            }
        }
        var pixelLabels = TvltFixtures.Floats(first.PixelLabelMasks!);
        Assert.Equal(12, pixelLabels.Take(16).Count(v => v == 1f)); // 16 - int(16 * 0.25) removed, all real frames
    }

    [Fact]
    public void WrongShapesAreClearErrors()
    {
        var inputs = FixtureTensors.Read("cases/tvlt_model.inputs.safetensors");
        using var model = TvltModel.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"), ModelLoadOptions.Quiet);
        using var small = zeros([2L, 4, 3, 16, 16]);
        Assert.Contains("doesn't match model", Assert.Throws<ArgumentException>(() => model.Forward(small, inputs["audio_values"])).Message);
        using var badNoise = zeros(2, 5);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(
            inputs["pixel_values"], inputs["audio_values"], maskPixel: true, noise: new TvltMaskingNoise(PixelNoise: badNoise)));
        Assert.Contains("[2, 16]", error.Message);
    }

    [Fact]
    public void ConfigRejectsUnknownAudioMaskType()
    {
        var error = Assert.Throws<SharpVL.Configuration.ConfigException>(() =>
            SharpVL.Configuration.ConfigJson.Parse<TvltConfig>("""{"model_type": "tvlt", "audio_mask_type": "patch-level"}"""));
        Assert.Contains("audio_mask_type", error.Message);
    }
}
