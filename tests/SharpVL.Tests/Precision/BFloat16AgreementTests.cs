using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpVL.Tests.Precision;

/// <summary>
/// The bf16 mode against fp32 on every fixture model: the top-1 prediction must agree and the logits stay within the
/// documented tolerance (README, "Performance").
/// </summary>
public class BFloat16AgreementTests(ITestOutputHelper output)
{
    /// <summary>Largest |bf16 − fp32| logit difference accepted (measured: see the test output; README documents it).</summary>
    public const double LogitTolerance = 0.15;

    private static readonly ModelLoadOptions Bf16 = ModelLoadOptions.Quiet with { DType = ScalarType.BFloat16 };
    private static readonly ModelLoadOptions Fp32 = ModelLoadOptions.Quiet;

    private static Dictionary<string, Tensor> Inputs(string caseName)
    {
        using var file = SafeTensorsFile.Open(TestPaths.Fixture($"cases/{caseName}.inputs.safetensors"));
        return file.Keys.ToDictionary(k => k, file.ReadTensor);
    }

    private void AssertAgree(string name, Tensor reference, Tensor reduced)
    {
        var difference = (reduced.to(ScalarType.Float32) - reference).abs().max().item<float>();
        output.WriteLine($"{name}: max |bf16 - fp32| logit difference {difference:g3}");
        Assert.Equal(reference.argmax(-1).data<long>().ToArray(), reduced.argmax(-1).data<long>().ToArray());
        Assert.InRange(difference, 0, LogitTolerance);
    }

    [Fact]
    public void VideoMAEClassifier()
    {
        var inputs = Inputs("videomae_classification_nolabels");
        var model = TestPaths.Fixture("models/videomae-tiny-kinetics");
        using var fp32 = VideoMAEForVideoClassification.FromPretrained(model, Fp32);
        using var bf16 = VideoMAEForVideoClassification.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["pixel_values"]);
        using var reduced = bf16.Forward(inputs["pixel_values"]);
        AssertAgree("videomae", reference.Logits, reduced.Logits);
    }

    [Fact]
    public void XClipVideoTextLogits()
    {
        var inputs = Inputs("xclip_forward_2v3t");
        var model = TestPaths.Fixture("models/xclip-tiny");
        using var fp32 = XCLIPModel.FromPretrained(model, Fp32);
        using var bf16 = XCLIPModel.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        using var reduced = bf16.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        AssertAgree("xclip", reference.LogitsPerVideo, reduced.LogitsPerVideo);
    }

    [Fact]
    public void AltClipImageTextLogits()
    {
        var inputs = Inputs("altclip_forward_2i3t");
        var model = TestPaths.Fixture("models/altclip-tiny");
        using var fp32 = AltCLIPModel.FromPretrained(model, Fp32);
        using var bf16 = AltCLIPModel.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        using var reduced = bf16.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        AssertAgree("altclip", reference.LogitsPerImage, reduced.LogitsPerImage);
    }

    [Fact]
    public void TvltAudioVisualClassifier()
    {
        var inputs = Inputs("tvlt_avclassification_nomask");
        var model = TestPaths.Fixture("models/tvlt-tiny-avclassification");
        using var fp32 = TvltForAudioVisualClassification.FromPretrained(model, Fp32);
        using var bf16 = TvltForAudioVisualClassification.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["pixel_values"], inputs["audio_values"]);
        using var reduced = bf16.Forward(inputs["pixel_values"], inputs["audio_values"]);
        AssertAgree("tvlt", reference.Logits, reduced.Logits);
    }
}
