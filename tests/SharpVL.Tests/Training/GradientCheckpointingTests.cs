using SharpVL.Checkpoints;
using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>Recomputing layers in backward gives the same gradients as keeping their activations.</summary>
public class GradientCheckpointingTests
{
    public static TheoryData<string> Cases() =>
    [
        "videomae_train_classification", "videomae_train_pretraining", "xclip_train_contrastive", "altclip_train_contrastive",
        "tvlt_train_classification", "tvlt_train_pretraining",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void CheckpointedBackwardGivesPyTorchsGradients(string caseName)
    {
        using var model = TrainingFixtures.LoadModel(caseName);
        model.train();
        model.GradientCheckpointing = true;
        Assert.True(model.GradientCheckpointing);
        var recomputedBefore = SharpVL.Modeling.ActivationCheckpoint.RecomputedLayers;
        using (var output = BatchForward.Run(model, TrainingFixtures.StepBatch(caseName, 0), TrainingFixtures.Arguments(caseName)))
        {
            BatchForward.LossOf(output)!.backward();
        }
        Assert.True(SharpVL.Modeling.ActivationCheckpoint.RecomputedLayers > recomputedBefore, "no layer was recomputed");
        var expected = TrainingFixtures.Expected(caseName);
        var (atol, rtol) = TrainingFixtures.Tolerance(caseName, "grad");
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var grad = parameter.grad;
            Assert.True(grad is not null, $"{name} got no gradient through the checkpointed layers");
            Assert.True(TrainingFixtures.Close(grad, expected[$"step0.grad.{name}"], atol, rtol), $"{name}: checkpointed gradient differs from PyTorch's");
        }
    }
}

/// <summary>Tests that seed torch's global generator: another test drawing from it in between would change the masks.</summary>
[CollectionDefinition(nameof(GlobalRandomStateCollection), DisableParallelization = true)]
public sealed class GlobalRandomStateCollection;

/// <summary>A recomputed layer draws the dropout masks of its first forward (the random-number state is replayed).</summary>
[Collection(nameof(GlobalRandomStateCollection))]
public class GradientCheckpointingDropoutTests
{
    [Fact]
    public void RecomputationReplaysTheSameDropoutMasks()
    {
        var dir = TestPaths.Fixture("models/videomae-tiny-kinetics");
        var config = ConfigJson.Load<VideoMAEConfig>(dir);
        config.HiddenDropoutProb = 0.3;
        config.AttentionProbsDropoutProb = 0.3;
        using var model = new VideoMAEForVideoClassification(config);
        using (var source = CheckpointFiles.Open(dir))
        {
            model.LoadWeights(source, dir, ModelLoadOptions.Quiet);
        }
        model.train();
        var batch = TrainingFixtures.StepBatch("videomae_train_classification", 0);

        Dictionary<string, Tensor> Gradients(bool checkpointing)
        {
            model.GradientCheckpointing = checkpointing;
            model.zero_grad();
            manual_seed(1234);
            using (var output = BatchForward.Run(model, batch))
            {
                BatchForward.LossOf(output)!.backward();
            }
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var kept = Gradients(checkpointing: false);
        var recomputed = Gradients(checkpointing: true);
        foreach (var (name, grad) in kept)
        {
            Assert.True(TrainingFixtures.Close(recomputed[name], grad, 1e-6, 1e-5), $"{name}: the recomputed layer drew other dropout masks");
        }
    }
}
