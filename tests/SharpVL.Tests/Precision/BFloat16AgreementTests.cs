using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Runtime.Kernels;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpVL.Tests.Precision;

/// <summary>
/// The bf16 mode against fp32 on every fixture model, with attention on each backend (libtorch, and SharpVL's native
/// kernel where the CPU runs it): the top-1 prediction must agree and the logits stay within the documented tolerance
/// (README, "Performance").
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

    public static TheoryData<string> Backends() =>
        [.. Enum.GetValues<AttentionBackend>().Where(b => AttentionBackends.IsAvailable(b, ScalarType.BFloat16)).Select(AttentionBackends.Name)];

    private static IDisposable Force(string attention) => AttentionBackends.ForceOnThisThread(AttentionBackends.Parse(attention));

    private void AssertAgree(string name, Tensor reference, Tensor reduced, string attention, int nativeCallsBefore)
    {
        var difference = (reduced.to(ScalarType.Float32) - reference).abs().max().item<float>();
        output.WriteLine($"{name} ({attention} attention): max |bf16 - fp32| logit difference {difference:g3}");
        var nativeRan = NativeAttention.CallsOnThisThread > nativeCallsBefore;
        Assert.Equal(attention == AttentionBackends.Name(AttentionBackend.Native), nativeRan);
        Assert.Equal(reference.argmax(-1).data<long>().ToArray(), reduced.argmax(-1).data<long>().ToArray());
        Assert.InRange(difference, 0, LogitTolerance);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void VideoMAEClassifier(string attention)
    {
        using var backend = Force(attention);
        using var inference = inference_mode();
        var nativeCallsBefore = NativeAttention.CallsOnThisThread;
        var inputs = Inputs("videomae_classification_nolabels");
        var model = TestPaths.Fixture("models/videomae-tiny-kinetics");
        using var fp32 = VideoMAEForVideoClassification.FromPretrained(model, Fp32);
        using var bf16 = VideoMAEForVideoClassification.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["pixel_values"]);
        using var reduced = bf16.Forward(inputs["pixel_values"]);
        AssertAgree("videomae", reference.Logits, reduced.Logits, attention, nativeCallsBefore);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void XClipVideoTextLogits(string attention)
    {
        using var backend = Force(attention);
        using var inference = inference_mode();
        var nativeCallsBefore = NativeAttention.CallsOnThisThread;
        var inputs = Inputs("xclip_forward_2v3t");
        var model = TestPaths.Fixture("models/xclip-tiny");
        using var fp32 = XCLIPModel.FromPretrained(model, Fp32);
        using var bf16 = XCLIPModel.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        using var reduced = bf16.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        AssertAgree("xclip", reference.LogitsPerVideo, reduced.LogitsPerVideo, attention, nativeCallsBefore);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AltClipImageTextLogits(string attention)
    {
        using var backend = Force(attention);
        using var inference = inference_mode();
        var nativeCallsBefore = NativeAttention.CallsOnThisThread;
        var inputs = Inputs("altclip_forward_2i3t");
        var model = TestPaths.Fixture("models/altclip-tiny");
        using var fp32 = AltCLIPModel.FromPretrained(model, Fp32);
        using var bf16 = AltCLIPModel.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        using var reduced = bf16.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        AssertAgree("altclip", reference.LogitsPerImage, reduced.LogitsPerImage, attention, nativeCallsBefore);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void TvltAudioVisualClassifier(string attention)
    {
        using var backend = Force(attention);
        using var inference = inference_mode();
        var nativeCallsBefore = NativeAttention.CallsOnThisThread;
        var inputs = Inputs("tvlt_avclassification_nomask");
        var model = TestPaths.Fixture("models/tvlt-tiny-avclassification");
        using var fp32 = TvltForAudioVisualClassification.FromPretrained(model, Fp32);
        using var bf16 = TvltForAudioVisualClassification.FromPretrained(model, Bf16);
        using var reference = fp32.Forward(inputs["pixel_values"], inputs["audio_values"]);
        using var reduced = bf16.Forward(inputs["pixel_values"], inputs["audio_values"]);
        AssertAgree("tvlt", reference.Logits, reduced.Logits, attention, nativeCallsBefore);
    }
}
