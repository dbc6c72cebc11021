using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using static TorchSharp.torch;

namespace SharpVL.Tests.Modeling;

public class PretrainedLoadingTests
{
    private static string Model(string name) => TestPaths.Fixture("models/" + name);

    private static Dictionary<string, Tensor> ReadAll(string directory)
    {
        using var source = CheckpointFiles.Open(directory);
        return source.Keys.ToDictionary(k => k, source.ReadTensor);
    }

    [Fact]
    public void BaseModelFromHeadCheckpointDropsPrefixAndReportsHeadKeysAsUnexpected()
    {
        var warnings = new List<string>();
        using var model = VideoMAEModel.FromPretrained(Model("videomae-tiny"), new ModelLoadOptions { Logger = new CollectingLogger(warnings) });
        var report = model.LoadReport!;
        Assert.Empty(report.MissingKeys);
        Assert.Contains("encoder_to_decoder.weight", report.UnexpectedKeys);
        Assert.Contains("mask_token", report.UnexpectedKeys);
        Assert.DoesNotContain(report.UnexpectedKeys, k => k.StartsWith("videomae.", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("were not used when initializing VideoMAEModel", StringComparison.Ordinal));
    }

    [Fact]
    public void HeadModelFromBaseCheckpointAddsPrefixAndInitializesTheHead()
    {
        var checkpoint = ReadAll(Model("videomae-tiny-kinetics"));
        var baseOnly = checkpoint.Where(p => p.Key.StartsWith("videomae.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["videomae.".Length..], p => p.Value);
        var config = VideoMAEConfig.FromPretrained(Model("videomae-tiny-kinetics"));
        using var model = new VideoMAEForVideoClassification(config);
        var warnings = new List<string>();
        var report = model.LoadWeights(new InMemoryTensorSource(baseOnly), "memory", new ModelLoadOptions { Logger = new CollectingLogger(warnings) });

        Assert.Equal(["fc_norm.weight", "fc_norm.bias", "classifier.weight", "classifier.bias"], report.MissingKeys.Order().Reverse().OrderBy(k => k.StartsWith("classifier", StringComparison.Ordinal)));
        Assert.Empty(report.UnexpectedKeys);
        var state = model.state_dict();
        Assert.True(state["videomae.encoder.layer.0.attention.attention.q_bias"].eq(checkpoint["videomae.encoder.layer.0.attention.attention.q_bias"]).all().item<bool>());
        // Transformers' _init_weights: LayerNorm weight 1, bias 0; Linear bias 0.
        Assert.True(state["fc_norm.weight"].eq(1).all().item<bool>());
        Assert.True(state["classifier.bias"].eq(0).all().item<bool>());
        Assert.Contains(warnings, w => w.Contains("newly initialized", StringComparison.Ordinal));
    }

    [Fact]
    public void ShapeMismatchIsAnErrorNamingTheKey()
    {
        var checkpoint = ReadAll(Model("videomae-tiny-kinetics"));
        var config = VideoMAEConfig.FromPretrained(Model("videomae-tiny-kinetics"));
        config.NumLabels = 7;
        using var model = new VideoMAEForVideoClassification(config);
        var error = Assert.Throws<CheckpointException>(() => model.LoadWeights(new InMemoryTensorSource(checkpoint), "memory"));
        Assert.Contains("classifier.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 32]", error.Message, StringComparison.Ordinal);

        var report = model.LoadWeights(new InMemoryTensorSource(checkpoint), "memory",
            ModelLoadOptions.Quiet with { IgnoreMismatchedSizes = true });
        Assert.Equal(["classifier.weight", "classifier.bias"], report.MismatchedKeys);
    }

    [Fact]
    public void LoadsInBFloat16AndAgreesWithFloat32()
    {
        using var fp32 = VideoMAEForVideoClassification.FromPretrained(Model("videomae-tiny-kinetics"));
        using var bf16 = VideoMAEForVideoClassification.FromPretrained(
            Model("videomae-tiny-kinetics"), new ModelLoadOptions { DType = ScalarType.BFloat16 });
        Assert.Equal(ScalarType.BFloat16, bf16.DType);
        using var pixels = randn(new long[] { 1, 4, 3, 32, 32 }, generator: new Generator(7));
        using var reference = fp32.Forward(pixels);
        using var reduced = bf16.Forward(pixels);
        // The head stays in float32 (KeepInFloat32Modules), so logits come out float32.
        Assert.Equal(ScalarType.Float32, reduced.Logits.dtype);
        var difference = (reduced.Logits.to(ScalarType.Float32) - reference.Logits).abs().max().item<float>();
        Assert.InRange(difference, 0f, 0.1f);
        Assert.Equal(reference.Logits.argmax(-1).item<long>(), reduced.Logits.argmax(-1).item<long>());
    }

    [Fact]
    public void RegressionLossWhenOneLabel()
    {
        var config = VideoMAEConfig.FromPretrained(Model("videomae-tiny-kinetics"));
        config.NumLabels = 1;
        using var model = new VideoMAEForVideoClassification(config);
        model.eval();
        using var pixels = randn(new long[] { 2, 4, 3, 32, 32 }, generator: new Generator(3));
        using var labels = tensor(new[] { 0.5f, -1.0f });
        using var output = model.Forward(pixels, labels: labels);
        var expected = (output.Logits.squeeze() - labels).pow(2).mean().item<float>();
        Assert.Equal(expected, output.Loss!.item<float>(), 5);
        Assert.Equal("regression", config.ProblemType);
    }
}

public class SavePretrainedTests
{
    [Fact]
    public void SavedModelReloadsWithIdenticalWeightsAndConfig()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-save-").FullName;
        try
        {
            using var model = VideoMAEForVideoClassification.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"));
            model.SavePretrained(directory);
            using var reloaded = VideoMAEForVideoClassification.FromPretrained(directory);
            Assert.Empty(reloaded.LoadReport!.MissingKeys);
            Assert.Empty(reloaded.LoadReport.UnexpectedKeys);
            var original = model.state_dict();
            foreach (var (key, value) in reloaded.state_dict())
            {
                Assert.True(value.eq(original[key]).all().item<bool>(), key);
            }
            Assert.Equal("walking the dog", reloaded.Config.Id2Label[4]);
            Assert.Equal(["VideoMAEForVideoClassification"], reloaded.Config.Architectures);
            Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
