using SharpVL.Modeling;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Tests.Pipelines;

/// <summary>
/// Models track gradients unless told otherwise (as in PyTorch), so every pipeline entry point must run its forwards
/// under <c>inference_mode</c>. A pre-hook on every Linear of the model records the mode each projection ran in.
/// </summary>
public class InferenceModeTests
{
    private static readonly string Clip = TestPaths.Fixture("media/clip.mp4");

    private static List<bool> RecordModes(nn.Module model)
    {
        var modes = new List<bool>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is KernelLinear linear)
            {
                linear.register_forward_pre_hook((Action<nn.Module>)(_ => modes.Add(is_inference_mode_enabled())));
            }
        }
        return modes;
    }

    private static void AssertInference(List<bool> modes, string what)
    {
        Assert.True(modes.Count > 0, $"{what}: no projection ran");
        Assert.True(modes.All(m => m), $"{what}: {modes.Count(m => !m)} of {modes.Count} projections ran outside inference_mode");
        modes.Clear();
    }

    [Fact]
    public void VideoClassificationRunsUnderInferenceMode()
    {
        using var pipeline = VideoClassificationPipeline.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        var modes = RecordModes(pipeline.Model);
        pipeline.ClassifyFiles([Clip]);
        AssertInference(modes, "ClassifyFiles");
    }

    [Fact]
    public void ZeroShotVideoClassificationAndEmbeddingsRunUnderInferenceMode()
    {
        using var classifier = ZeroShotVideoClassificationPipeline.FromPretrained(TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        var modes = RecordModes(classifier.Model);
        using (classifier.PrepareLabels(["a cat", "a dog"]))
        {
            AssertInference(modes, "PrepareLabels");
        }
        classifier.Classify(Clip, new ClassificationOptions { CandidateLabels = ["a cat", "a dog"] });
        AssertInference(modes, "Classify");
        using (classifier.EmbedTexts(["a cat"]))
        {
            AssertInference(modes, "EmbedTexts");
        }
        using (classifier.EmbedVideoFiles([Clip]).Embeddings)
        {
            AssertInference(modes, "EmbedVideoFiles");
        }
    }

    [Fact]
    public void ZeroShotImageClassificationAndSimilarityRunUnderInferenceMode()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(TestPaths.Fixture("models/altclip-tiny"), ModelLoadOptions.Quiet);
        var modes = RecordModes(pipeline.Model);
        var pixels = Enumerable.Range(0, 40 * 30 * 3).Select(i => (byte)(i * 7 % 251)).ToArray();
        RgbImage[] images = [new RgbImage(40, 30, pixels)];
        pipeline.Probabilities(images, new ClassificationOptions { CandidateLabels = ["a cat", "a dog"] });
        AssertInference(modes, "Probabilities");
        pipeline.ClassifyImages(images, new ClassificationOptions { CandidateLabels = ["a cat", "a dog"] });
        AssertInference(modes, "ClassifyImages");
        pipeline.Similarity(images, ["a cat", "a dog"]);
        AssertInference(modes, "Similarity");
    }

    [Fact]
    public void AudioVisualClassificationRunsUnderInferenceMode()
    {
        using var pipeline = AudioVisualClassificationPipeline.FromPretrained(TestPaths.Fixture("models/tvlt-tiny-avclassification"), ModelLoadOptions.Quiet);
        var modes = RecordModes(pipeline.Model);
        pipeline.Classify(TestPaths.Fixture("media/clip_with_audio.mp4"));
        AssertInference(modes, "Classify");
    }
}
