using SharpVL.Modeling;

namespace SharpVL.Tests.Tvlt;

public class TvltHalfPrecisionTests
{
    [Fact]
    public void BFloat16BodyKeepsTheClassifierAndLogitsInFloat32()
    {
        var inputs = FixtureTensors.Read("cases/tvlt_avclassification_nomask.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/tvlt_avclassification_nomask.expected.safetensors");
        var options = ModelLoadOptions.Quiet with { DType = TorchSharp.torch.ScalarType.BFloat16 };
        using var model = SharpVL.Models.Tvlt.TvltForAudioVisualClassification.FromPretrained(
            TestPaths.Fixture("models/tvlt-tiny-avclassification"), options);
        using var output = model.Forward(inputs["pixel_values"], inputs["audio_values"]);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, output.Logits.dtype);
        // bfloat16 keeps ~3 significant digits through two layers: close to, not equal to, the float32 reference.
        TvltFixtures.AssertClose(expected["logits"], output.Logits, 0.1, 0.05, "logits");
    }
}
