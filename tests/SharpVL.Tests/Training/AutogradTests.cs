using SharpVL.Checkpoints;
using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>
/// Models keep PyTorch's autograd semantics: gradients flow in training and in eval mode, and eval mode only switches
/// dropout (and TVLT's MAE branch) off.
/// </summary>
public class AutogradTests
{
    public static TheoryData<string, bool> CasesAndModes()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[]
        {
            "videomae_train_classification", "videomae_train_pretraining", "xclip_train_contrastive", "altclip_train_contrastive",
            "tvlt_train_classification",
        })
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    // Every fixture model has dropout 0, so the first backward gives PyTorch's gradients in either mode.
    [Theory]
    [MemberData(nameof(CasesAndModes))]
    public void FirstBackwardGivesPyTorchsGradientsOfEveryParameter(string caseName, bool training)
    {
        using var model = TrainingFixtures.LoadModel(caseName);
        model.train(training);
        var batch = TrainingFixtures.StepBatch(caseName, 0);
        using var output = BatchForward.Run(model, batch, TrainingFixtures.Arguments(caseName));
        var loss = BatchForward.LossOf(output)!;
        Assert.True(loss.requires_grad, "the loss must carry a graph in eval mode too");
        loss.backward();
        var expected = TrainingFixtures.Expected(caseName);
        var (atol, rtol) = TrainingFixtures.Tolerance(caseName, "grad");
        var checkedCount = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var grad = parameter.grad;
            Assert.True(grad is not null, $"{name} got no gradient");
            Assert.True(TrainingFixtures.Close(grad, expected[$"step0.grad.{name}"], atol, rtol), $"{name}: gradient differs from PyTorch's");
            checkedCount++;
        }
        Assert.Equal(expected.Keys.Count(k => k.StartsWith("step0.grad.", StringComparison.Ordinal)), checkedCount);
    }

    [Fact]
    public void TvltPreTrainingInEvalModeBackpropagatesTheMatchingLossOnly()
    {
        using var model = TrainingFixtures.LoadModel("tvlt_train_pretraining");
        model.eval();
        using var output = BatchForward.Run(model, TrainingFixtures.StepBatch("tvlt_train_pretraining", 0));
        BatchForward.LossOf(output)!.backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        // As in 4.27.1, the MAE decoder runs in training mode only; the encoder and the matching head learn in eval mode.
        Assert.All(grads.Where(g => g.Key.StartsWith("tvlt.encoder.", StringComparison.Ordinal) || g.Key.StartsWith("matching_head.", StringComparison.Ordinal)),
            g => Assert.True(g.Value is not null && g.Value.abs().sum().item<float>() > 0, $"{g.Key} got no gradient"));
        Assert.All(grads.Where(g => g.Key.StartsWith("decoder.", StringComparison.Ordinal) || g.Key.Contains("mae_head", StringComparison.Ordinal)),
            g => Assert.True(g.Value is null, $"{g.Key} should get no gradient outside training"));
    }

    [Fact]
    public void NoGradientIsTrackedWhenTheCallerAsksForInference()
    {
        using var model = TrainingFixtures.LoadModel("videomae_train_classification");
        using (no_grad())
        {
            using var output = BatchForward.Run(model, TrainingFixtures.StepBatch("videomae_train_classification", 0));
            Assert.False(BatchForward.LossOf(output)!.requires_grad);
        }
        using (inference_mode())
        {
            using var output = BatchForward.Run(model, TrainingFixtures.StepBatch("videomae_train_classification", 0));
            Assert.False(BatchForward.LossOf(output)!.requires_grad);
        }
    }

    public static TheoryData<string> DropoutFamilies() => ["videomae", "xclip", "altclip", "tvlt"];

    [Theory]
    [MemberData(nameof(DropoutFamilies))]
    public void DropoutIsRandomInTrainingAndOffInEval(string family)
    {
        var (model, batch, arguments, read) = WithDropout(family);
        using (model)
        {
            using var gradient = no_grad();
            Tensor Run()
            {
                using var output = BatchForward.Run(model, batch, arguments);
                return read(output).detach().clone();
            }
            model.eval();
            using var eval1 = Run();
            using var eval2 = Run();
            model.train();
            using var train1 = Run();
            using var train2 = Run();
            Assert.True(eval1.eq(eval2).all().item<bool>(), "eval mode must be deterministic");
            Assert.False(train1.allclose(train2), "training mode must draw new dropout masks");
            Assert.False(train1.allclose(eval1), "training mode must apply dropout");
        }
    }

    private static (PreTrainedModel Model, Dictionary<string, Tensor> Batch, ForwardArguments Arguments, Func<ModelOutput, Tensor> Read) WithDropout(string family)
    {
        switch (family)
        {
            case "videomae":
            {
                var dir = TestPaths.Fixture("models/videomae-tiny-kinetics");
                var config = ConfigJson.Load<VideoMAEConfig>(dir);
                config.HiddenDropoutProb = 0.3;
                config.AttentionProbsDropoutProb = 0.3;
                var batch = TrainingFixtures.StepBatch("videomae_train_classification", 0);
                return (Loaded(new VideoMAEForVideoClassification(config), dir), batch, ForwardArguments.None, o => ((ClassifierOutput)o).Logits);
            }
            case "xclip":
            {
                var dir = TestPaths.Fixture("models/xclip-tiny");
                var config = XCLIPConfig.FromPretrained(dir);
                config.TextConfig.AttentionDropout = 0.3;
                config.VisionConfig.AttentionDropout = 0.3;
                config.VisionConfig.DropPathRate = 0.3;
                config.PromptAttentionDropout = 0.3;
                config.PromptProjectionDropout = 0.3;
                var batch = TrainingFixtures.StepBatch("xclip_train_contrastive", 0);
                return (Loaded(new XCLIPModel(config), dir), batch, ForwardArguments.None, o => ((XCLIPOutput)o).LogitsPerVideo);
            }
            case "altclip":
            {
                // The public altclip-tiny has its dropout probabilities (the training case uses a copy with them at 0).
                var model = AltCLIPModel.FromPretrained(TestPaths.Fixture("models/altclip-tiny"), ModelLoadOptions.Quiet);
                Assert.True(model.Config.TextConfig.HiddenDropoutProb > 0);
                var batch = TrainingFixtures.StepBatch("altclip_train_contrastive", 0);
                return (model, batch, ForwardArguments.None, o => ((AltCLIPOutput)o).LogitsPerImage);
            }
            default:
            {
                var dir = TestPaths.Fixture("models/tvlt-tiny-avclassification");
                var config = ConfigJson.Load<TvltConfig>(dir);
                config.HiddenDropoutProb = 0.3;
                config.AttentionProbsDropoutProb = 0.3;
                var batch = TrainingFixtures.StepBatch("tvlt_train_classification", 0);
                return (Loaded(new TvltForAudioVisualClassification(config), dir), batch, ForwardArguments.None, o => ((ClassifierOutput)o).Logits);
            }
        }
    }

    private static PreTrainedModel Loaded(PreTrainedModel model, string directory)
    {
        using var source = CheckpointFiles.Open(directory);
        model.LoadWeights(source, directory, ModelLoadOptions.Quiet);
        return model;
    }
}
