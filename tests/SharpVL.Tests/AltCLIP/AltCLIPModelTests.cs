using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Modeling.Roberta;
using SharpVL.Models.AltCLIP;
using static TorchSharp.torch;

namespace SharpVL.Tests.AltCLIP;

public class AltCLIPModelTests
{

    private static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
        {
            return false;
        }
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }

    [Fact]
    public void PositionIdsCountRealTokensFromPadPlusOne()
    {
        using var ids = tensor(new long[] { 0, 15, 434, 2, 1, 1, 0, 1, 7, 2, 1, 1 }, [2, 6]);
        using var positions = RobertaEmbeddings.CreatePositionIds(ids, padTokenId: 1);
        // Pads get 1 wherever they are; a pad inside the text does not advance the count.
        Assert.Equal(new long[] { 2, 3, 4, 5, 1, 1, 2, 1, 3, 4, 1, 1 }, positions.data<long>().ToArray());
        Assert.Equal(ScalarType.Int64, positions.dtype);
    }

    [Fact]
    public void PositionIdsOfTheFixtureBatchFollowFairseq()
    {
        var inputs = FixtureTensors.Read("cases/altclip_text_model.inputs.safetensors");
        var ids = inputs["input_ids"];
        using var positions = RobertaEmbeddings.CreatePositionIds(ids, 1);
        var idRows = ids.data<long>().ToArray();
        var got = positions.data<long>().ToArray();
        var length = (int)ids.shape[1];
        Assert.Contains(1L, idRows); // the batch is padded, so the pad rule is exercised
        for (var row = 0; row < ids.shape[0]; row++)
        {
            long count = 0;
            for (var t = 0; t < length; t++)
            {
                var isPad = idRows[(row * length) + t] == 1;
                count += isPad ? 0 : 1;
                Assert.Equal(isPad ? 1 : count + 1, got[(row * length) + t]);
            }
        }
    }

    [Fact]
    public void TextModelLoadsFromTheCompositeDirectoryUnderTextModelPrefix()
    {
        var warnings = new List<string>();
        using var model = AltCLIPTextModel.FromPretrained(AltCLIPFixtures.ModelDir, new ModelLoadOptions { Logger = new CollectingLogger(warnings) });
        var report = model.LoadReport!;
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.Contains("logit_scale", report.SkippedKeys);
        Assert.Contains("vision_model.post_layernorm.weight", report.SkippedKeys);
        Assert.DoesNotContain(report.SkippedKeys, k => k.StartsWith("text_model.", StringComparison.Ordinal));
        Assert.Empty(warnings); // the other components are expected in a composite checkpoint
        Assert.Equal(24, model.Config.ProjectDim);

        using var checkpoint = CheckpointFiles.Open(AltCLIPFixtures.ModelDir);
        using var stored = checkpoint.ReadTensor("text_model.roberta.encoder.layer.1.attention.self.query.weight");
        Assert.True(Same(model.state_dict()["roberta.encoder.layer.1.attention.self.query.weight"], stored));
    }

    [Fact]
    public void StandaloneTextModelSavesWithoutPrefixAndReloadsIdentically()
    {
        var inputs = FixtureTensors.Read("cases/altclip_text_model.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/altclip_text_model.expected.safetensors");
        var directory = TestScratch.CreateDirectory("sharpvl-altclip-text-").FullName;
        try
        {
            using (var model = AltCLIPTextModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet))
            {
                model.SavePretrained(directory);
            }
            using var safetensors = SafeTensorsFile.Open(Path.Combine(directory, "model.safetensors"));
            Assert.Contains("roberta.embeddings.word_embeddings.weight", safetensors.Keys);
            Assert.DoesNotContain(safetensors.Keys, k => k.StartsWith("text_model.", StringComparison.Ordinal));

            using var reloaded = AltCLIPTextModel.FromPretrained(directory, ModelLoadOptions.Quiet);
            Assert.Empty(reloaded.LoadReport!.MissingKeys);
            Assert.Empty(reloaded.LoadReport.UnexpectedKeys);
            using var output = reloaded.Forward(inputs["input_ids"], inputs["attention_mask"]);
            AltCLIPFixtures.AssertClose(expected["last_hidden_state"], output.LastHiddenState);
            AltCLIPFixtures.AssertClose(expected["pooler_output"], output.PoolerOutput);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void ExplicitPositionIdsAreUsed()
    {
        var inputs = FixtureTensors.Read("cases/altclip_text_model.inputs.safetensors");
        var ids = inputs["input_ids"];
        using var model = AltCLIPTextModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        using var defaults = model.Forward(ids, inputs["attention_mask"]);
        using var same = RobertaEmbeddings.CreatePositionIds(ids, 1);
        using var explicitSame = model.Forward(ids, inputs["attention_mask"], positionIds: same);
        Assert.True(Same(defaults.LastHiddenState, explicitSame.LastHiddenState));
        using var shifted = same + 1;
        using var moved = model.Forward(ids, inputs["attention_mask"], positionIds: shifted);
        Assert.False(defaults.LastHiddenState.allclose(moved.LastHiddenState, 1e-3, 1e-3));
    }

    [Fact]
    public void InterpolatePosEncodingRunsOtherResolutions()
    {
        using var model = AltCLIPVisionModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        Assert.Empty(model.LoadReport!.MissingKeys);
        using var pixels = randn(2, 3, 48, 40);
        using var output = model.Forward(pixels, interpolatePosEncoding: true);
        // 48/8 x 40/8 = 30 patches + CLS.
        Assert.Equal(new long[] { 2, 31, 32 }, output.LastHiddenState.shape);
        Assert.Equal(new long[] { 2, 32 }, output.PoolerOutput.shape);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(pixels));
        Assert.Contains("48*40", error.Message, StringComparison.Ordinal);

        // At the trained resolution interpolation is the identity.
        var fixture = FixtureTensors.Read("cases/altclip_vision_model.inputs.safetensors");
        using var plain = model.Forward(fixture["pixel_values"]);
        using var interpolated = model.Forward(fixture["pixel_values"], interpolatePosEncoding: true);
        Assert.True(Same(plain.LastHiddenState, interpolated.LastHiddenState));

        using var full = AltCLIPModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        using var features = full.GetImageFeatures(pixels, interpolatePosEncoding: true);
        Assert.Equal(new long[] { 2, 16 }, features.shape);
    }

    [Fact]
    public void ForwardMatchesFeatureMethods()
    {
        var inputs = FixtureTensors.Read("cases/altclip_forward_2i3t.inputs.safetensors");
        using var model = AltCLIPModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        using var output = model.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"]);
        Assert.Null(output.Loss);
        Assert.Null(output.TextModelOutput.HiddenStates);
        using var text = model.GetTextFeatures(inputs["input_ids"], inputs["attention_mask"]);
        using var image = model.GetImageFeatures(inputs["pixel_values"]);
        using var logits = model.LogitsPerImage(image, text);
        AltCLIPFixtures.AssertClose(output.LogitsPerImage, logits, 1e-5, 1e-5);
        var expected = FixtureTensors.Read("cases/altclip_forward_2i3t.expected.safetensors");
        AltCLIPFixtures.AssertClose(expected["logits_per_image"], logits);
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        var inputs = FixtureTensors.Read("cases/altclip_forward_2i3t.inputs.safetensors");
        using var model = AltCLIPModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);

        var loss = Assert.Throws<ArgumentException>(() => model.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"], returnLoss: true));
        Assert.Contains("2 images and 3 texts", loss.Message, StringComparison.Ordinal);

        using var outOfVocab = full(new long[] { 1, 4 }, 5000L, ScalarType.Int64);
        var vocab = Assert.Throws<ArgumentException>(() => model.GetTextFeatures(outOfVocab));
        Assert.Contains("vocab_size", vocab.Message, StringComparison.Ordinal);

        using var tooLong = full(new long[] { 1, 70 }, 5L, ScalarType.Int64);
        var positions = Assert.Throws<ArgumentException>(() => model.GetTextFeatures(tooLong));
        Assert.Contains("max_position_embeddings", positions.Message, StringComparison.Ordinal);

        using var shortMask = ones(3, 5, ScalarType.Int64);
        var mask = Assert.Throws<ArgumentException>(() => model.GetTextFeatures(inputs["input_ids"], shortMask));
        Assert.Contains("attention_mask", mask.Message, StringComparison.Ordinal);

        using var flat = zeros(3, 32, 32);
        var pixels = Assert.Throws<ArgumentException>(() => model.GetImageFeatures(flat));
        Assert.Contains("pixel_values", pixels.Message, StringComparison.Ordinal);

        var wrongModel = Assert.Throws<SharpVL.Configuration.ConfigException>(() => AltCLIPModel.FromPretrained(TestPaths.Fixture("models/videomae-tiny"), ModelLoadOptions.Quiet));
        Assert.Contains("videomae", wrongModel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SquareBatchLossMatchesTheFixture()
    {
        var inputs = FixtureTensors.Read("cases/altclip_forward_loss_3i3t.inputs.safetensors");
        var expected = FixtureTensors.Read("cases/altclip_forward_loss_3i3t.expected.safetensors");
        using var model = AltCLIPModel.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        using var output = model.Forward(inputs["input_ids"], inputs["pixel_values"], inputs["attention_mask"], returnLoss: true);
        Assert.Equal(0, output.Loss!.dim());
        AltCLIPFixtures.AssertClose(expected["loss"], output.Loss);
    }
}
