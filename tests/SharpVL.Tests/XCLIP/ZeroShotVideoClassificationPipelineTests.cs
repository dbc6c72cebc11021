using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Tests.XCLIP;

public class ZeroShotVideoClassificationPipelineTests
{
    private static readonly string TinyDir = TestPaths.Fixture("models/xclip-tiny");
    private static readonly string[] Texts = ["a colorful test pattern", "a cat sleeping on a sofa", "people dancing"];
    private static readonly int[] FrameIndices = [1, 13, 25, 37];

    private static ZeroShotVideoClassificationPipeline Load() => ZeroShotVideoClassificationPipeline.FromPretrained(TinyDir, ModelLoadOptions.Quiet);

    /// <summary>logits_per_video of cases/pipeline_xclip_from_mp4.expected.safetensors.</summary>
    private static float[] ExpectedLogits()
    {
        var expected = FixtureTensors.Read("cases/pipeline_xclip_from_mp4.expected.safetensors");
        return expected["logits_per_video"].data<float>().ToArray();
    }

    private static void AssertMatchesPipelineFixture(ClassificationResult result)
    {
        var logits = ExpectedLogits();
        Assert.Equal(3, result.Logits.Count);
        for (var k = 0; k < 3; k++)
        {
            Assert.True(Math.Abs(result.Logits[k] - logits[k]) <= 1e-4 + (1e-4 * Math.Abs(logits[k])), $"logit {k}: {result.Logits[k]} vs {logits[k]}");
        }
        var exp = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
        foreach (var label in result.Labels)
        {
            Assert.Equal(exp[label.Index] / exp.Sum(), label.Score, 4);
        }
        Assert.Equal(["a colorful test pattern", "people dancing", "a cat sleeping on a sofa"], result.Labels.Select(l => l.Label));
        Assert.Equal(0.9139, result.Best.Score, 3);
    }

    [Fact]
    public void FileReproducesTheFixturePipelineLogits()
    {
        using var classifier = Load();
        classifier.BatchSize = 1;
        var results = classifier.ClassifyFiles(
            [TestPaths.Fixture("media/clip.mp4"), TestPaths.Fixture("media/clip_with_audio.mp4")],
            new ClassificationOptions { CandidateLabels = Texts, HypothesisTemplate = "{}", Frames = FrameSelection.Indices(FrameIndices) });
        Assert.Equal(2, results.Count);
        Assert.Equal(FrameIndices, results[0].FrameIndices);
        AssertMatchesPipelineFixture(results[0]);
        AssertMatchesPipelineFixture(results[1]); // same video stream, second batch
    }

    [Fact]
    public void InMemoryFramesReproduceTheFixturePipelineLogits()
    {
        using var source = SafeTensorsFile.Open(TestPaths.Fixture("media/clip_frames.safetensors"));
        using var all = source.ReadTensor("frames");
        using var picked = all.index_select(0, tensor(FrameIndices.Select(i => (long)i).ToArray())).contiguous();
        var frames = ImageArrays.ToImages(picked.data<byte>().ToArray(), picked.shape);
        using var classifier = Load();
        var options = new ClassificationOptions { CandidateLabels = Texts, HypothesisTemplate = "{}" };
        AssertMatchesPipelineFixture(classifier.Classify(frames, options));
        classifier.BatchSize = 2;
        var batch = classifier.ClassifyVideos([frames, frames, frames], options);
        Assert.All(batch, AssertMatchesPipelineFixture);
    }

    [Fact]
    public void TemplateIsAppliedToEachLabel()
    {
        using var classifier = Load();
        using var labels = classifier.PrepareLabels(["cooking", "dancing"]);
        Assert.Equal(["a video of cooking", "a video of dancing"], labels.Prompts);
        Assert.Equal([2L, 16L], labels.TextFeatures.shape);
    }

    [Fact]
    public void BadLabelsAndTemplatesAreClearErrors()
    {
        using var classifier = Load();
        Assert.Contains("placeholder", Assert.Throws<ArgumentException>(() => classifier.PrepareLabels(["a"], "a video")).Message, StringComparison.Ordinal);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => classifier.PrepareLabels(["a", "b", "a"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => classifier.PrepareLabels([]));
        var labels = new ClassificationOptions { CandidateLabels = ["a"] };
        Assert.Throws<FileNotFoundException>(() => classifier.ClassifyFiles(["no/such.mp4"], labels));
        var wrongCount = Assert.Throws<ArgumentException>(() => classifier.Classify(TestPaths.Fixture("media/clip.mp4"), labels with { Frames = FrameSelection.Indices([1, 2]) }));
        Assert.Contains("4 frames", wrongCount.Message, StringComparison.Ordinal);
    }
}
