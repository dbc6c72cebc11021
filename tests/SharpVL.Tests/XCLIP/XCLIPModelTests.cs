using SharpVL.Modeling;
using SharpVL.Models.XCLIP;
using static TorchSharp.torch;

namespace SharpVL.Tests.XCLIP;

public class XCLIPModelTests
{
    private static readonly string TinyDir = TestPaths.Fixture("models/xclip-tiny");

    [Fact]
    public void PytorchBinAndSafetensorsGiveIdenticalOutputs()
    {
        var binDir = TestScratch.CreateDirectory("xclip-bin").FullName;
        try
        {
            File.Copy(Path.Combine(TinyDir, "config.json"), Path.Combine(binDir, "config.json"));
            File.Copy(Path.Combine(TinyDir, "pytorch_model.bin"), Path.Combine(binDir, "pytorch_model.bin"));
            var inputs = FixtureTensors.Read("cases/xclip_forward_2v3t.inputs.safetensors");
            using var fromSafetensors = XCLIPModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
            using var fromBin = XCLIPModel.FromPretrained(binDir, ModelLoadOptions.Quiet);
            Assert.Empty(fromBin.LoadReport!.MissingKeys);
            Assert.Empty(fromBin.LoadReport!.UnexpectedKeys);
            using var a = fromSafetensors.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"], outputHiddenStates: true);
            using var b = fromBin.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"], outputHiddenStates: true);
            var left = a.Flatten().ToList();
            var right = b.Flatten().ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal(left.Select(p => p.Key), right.Keys);
            foreach (var (key, value) in left)
            {
                Assert.True(value.shape.SequenceEqual(right[key].shape) && value.eq(right[key]).all().item<bool>(), $"{key} differs between pytorch_model.bin and model.safetensors");
            }
        }
        finally
        {
            Directory.Delete(binDir, recursive: true);
        }
    }

    [Fact]
    public void SavePretrainedRoundTripsTheCompositeAndATower()
    {
        var dir = TestScratch.CreateDirectory("xclip-save").FullName;
        try
        {
            var inputs = FixtureTensors.Read("cases/xclip_forward_1v3t.inputs.safetensors");
            using var model = XCLIPModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
            model.SavePretrained(Path.Combine(dir, "full"));
            using var reloaded = XCLIPModel.FromPretrained(Path.Combine(dir, "full"), ModelLoadOptions.Quiet);
            Assert.Empty(reloaded.LoadReport!.MissingKeys);
            Assert.Equal(4, reloaded.Config.VisionConfig.NumFrames);
            using var a = model.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
            using var b = reloaded.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
            Assert.True(a.LogitsPerVideo.eq(b.LogitsPerVideo).all().item<bool>());

            using var text = XCLIPTextModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
            text.SavePretrained(Path.Combine(dir, "text"));
            Assert.Equal("xclip_text_model", SharpVL.Configuration.ConfigJson.Peek(Path.Combine(dir, "text")).ModelType);
            using var textReloaded = XCLIPTextModel.FromPretrained(Path.Combine(dir, "text"), ModelLoadOptions.Quiet);
            Assert.Empty(textReloaded.LoadReport!.MissingKeys);
            using var c = text.Forward(inputs["input_ids"], inputs["attention_mask"]);
            using var d = textReloaded.Forward(inputs["input_ids"], inputs["attention_mask"]);
            Assert.True(c.PoolerOutput.eq(d.PoolerOutput).all().item<bool>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TowersLoadFromTheCompositeDirectoryWithoutMissingWeights()
    {
        using var text = XCLIPTextModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        Assert.Empty(text.LoadReport!.MissingKeys);
        Assert.Empty(text.LoadReport!.UnexpectedKeys);
        using var vision = XCLIPVisionModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        Assert.Empty(vision.LoadReport!.MissingKeys);
        Assert.Empty(vision.LoadReport!.UnexpectedKeys);
        Assert.Equal(32, vision.Config.HiddenSize);
    }

    [Fact]
    public void EncodeThenScoreEqualsForward()
    {
        var inputs = FixtureTensors.Read("cases/xclip_forward_2v3t.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/xclip_forward_2v3t.expected.safetensors");
        using var model = XCLIPModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        using var text = model.GetTextFeatures(inputs["input_ids"], inputs["attention_mask"]);
        using var videos = model.EncodeVideos(inputs["pixel_values"]);
        using var logits = model.ScoreVideos(videos, text);
        Assert.Equal([2L, 3L], logits.shape);
        Assert.True(logits.allclose(expected["logits_per_video"], rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void LossNeedsAsManyVideosAsTexts()
    {
        var inputs = FixtureTensors.Read("cases/xclip_forward_2v3t.inputs.safetensors");
        using var model = XCLIPModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        var error = Assert.Throws<ArgumentException>(() =>
            model.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"], returnLoss: true));
        Assert.Contains("2 videos and 3 texts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FrameCountMustBeAMultipleOfNumFrames()
    {
        using var vision = XCLIPVisionModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        using var frames = randn([6, 3, 32, 32]);
        var error = Assert.Throws<ArgumentException>(() => vision.Forward(frames));
        Assert.Contains("num_frames (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherResolutionsNeedInterpolatePosEncoding()
    {
        using var model = XCLIPModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        var inputs = FixtureTensors.Read("cases/xclip_forward_1v3t.inputs.safetensors");
        using var large = randn([1, 4, 3, 48, 48]);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(inputs["input_ids"], large, inputs["attention_mask"]));
        Assert.Contains("48*48", error.Message, StringComparison.Ordinal);

        using var output = model.Forward(inputs["input_ids"], large, inputs["attention_mask"], outputAttentions: true, interpolatePosEncoding: true);
        Assert.Equal([4L, 37L, 32L], output.VisionModelOutput.LastHiddenState.shape); // 6x6 patches + CLS
        Assert.Equal([4L, 4L, 38L, 38L], output.VisionModelOutput.Attentions![0].shape); // + message token
        Assert.Equal([1L, 3L], output.LogitsPerVideo.shape);
        Assert.True(output.LogitsPerVideo.isfinite().all().item<bool>());

        using var vision = XCLIPVisionModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        using var same = vision.Forward(large.view(4, 3, 48, 48), interpolatePosEncoding: true);
        Assert.True(same.LastHiddenState.allclose(output.VisionModelOutput.LastHiddenState, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void OutOfVocabularyIdsAreAClearError()
    {
        using var text = XCLIPTextModel.FromPretrained(TinyDir, ModelLoadOptions.Quiet);
        using var ids = tensor(new long[] { 49406, 60000, 49407 }).unsqueeze(0);
        var error = Assert.Throws<ArgumentException>(() => text.Forward(ids));
        Assert.Contains("vocab_size", error.Message, StringComparison.Ordinal);
    }
}
