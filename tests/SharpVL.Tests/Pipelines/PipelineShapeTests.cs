using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Pipelines;

/// <summary>The four pipelines share one shape: the factory, the call names, the options, the outcomes and the ownership rule.</summary>
public class PipelineShapeTests
{
    private static readonly string Clip = TestPaths.Fixture("media/clip.mp4");
    private static readonly string ClipWithAudio = TestPaths.Fixture("media/clip_with_audio.mp4");

    [Theory]
    [InlineData("video-classification", "models/videomae-tiny-kinetics", typeof(VideoClassificationPipeline))]
    [InlineData("zero-shot-video-classification", "models/xclip-tiny", typeof(ZeroShotVideoClassificationPipeline))]
    [InlineData("zero-shot-image-classification", "models/altclip-tiny", typeof(ZeroShotImageClassificationPipeline))]
    [InlineData("audio-visual-classification", "models/tvlt-tiny-avclassification", typeof(AudioVisualClassificationPipeline))]
    public void FactoryBuildsThePipelineOfEachTask(string task, string model, Type expected)
    {
        using var pipeline = Pipeline.Create(task, TestPaths.Fixture(model), ModelLoadOptions.Quiet);
        Assert.IsType(expected, pipeline);
        Assert.Equal(task, pipeline.Task);
    }

    [Fact]
    public void UnknownTaskNamesTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Pipeline.Create("video-captioning", TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet));
        Assert.Contains("zero-shot-video-classification", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopKNullReturnsEveryLabelAndTopKCutsTheRanking()
    {
        using var pipeline = Pipeline.Create(PipelineTasks.VideoClassification, TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        var all = pipeline.Classify(Clip);
        var labelCount = ((VideoClassificationPipeline)pipeline).Model.Config.Id2Label.Count;
        Assert.Equal(labelCount, all.Labels.Count);
        Assert.Equal(labelCount, all.Logits.Count);
        Assert.Equal(1.0, all.Labels.Sum(l => (double)l.Score), 5);
        var top2 = pipeline.Classify(Clip, new ClassificationOptions { TopK = 2 });
        Assert.Equal(all.Labels.Take(2), top2.Labels);
        Assert.Throws<ArgumentException>(() => pipeline.Classify(Clip, new ClassificationOptions { TopK = 0 }));
        Assert.Contains("id2label", Assert.Throws<ArgumentException>(
            () => pipeline.Classify(Clip, new ClassificationOptions { CandidateLabels = ["a"] })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroShotVideoWithoutCandidateLabelsIsAnError()
    {
        using var pipeline = Pipeline.Create(PipelineTasks.ZeroShotVideoClassification, TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        Assert.Contains("candidate label", Assert.Throws<ArgumentException>(() => pipeline.Classify(Clip)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsyncStreamsOneOutcomePerInputAndABadInputDoesNotLoseTheOthers()
    {
        using var pipeline = Pipeline.Create(PipelineTasks.ZeroShotVideoClassification, TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        pipeline.BatchSize = 2;
        var options = new ClassificationOptions { CandidateLabels = ["cooking", "dancing"], TopK = 1 };
        var inputs = new[] { Clip, "no/such.mp4", ClipWithAudio };
        var outcomes = new List<ClassificationOutcome>();
        await foreach (var outcome in pipeline.ClassifyFilesAsync(inputs, options))
        {
            outcomes.Add(outcome);
        }
        Assert.Equal(inputs, outcomes.Select(o => o.Input));
        Assert.Equal([true, false, true], outcomes.Select(o => o.Succeeded));
        Assert.Contains("no/such.mp4", outcomes[1].Error!.Message, StringComparison.Ordinal);
        // The failing batch was retried file by file: the same numbers as classifying each file alone.
        pipeline.BatchSize = 1;
        var direct = pipeline.ClassifyFiles([Clip, ClipWithAudio], options);
        Assert.Equal(direct[0].Logits, outcomes[0].Result!.Logits);
        Assert.Equal(direct[1].Labels, outcomes[2].Result!.Labels);
        Assert.Single(outcomes[0].Result!.Labels);
    }

    [Fact]
    public async Task AsyncStopsBetweenBatchesOnCancellation()
    {
        using var pipeline = Pipeline.Create(PipelineTasks.VideoClassification, TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        pipeline.BatchSize = 1;
        using var cancellation = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var outcome in pipeline.ClassifyFilesAsync([Clip, Clip, Clip], cancellationToken: cancellation.Token))
            {
                seen++;
                await cancellation.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public void APipelineDisposesOnlyTheModelItOwns()
    {
        var directory = TestPaths.Fixture("models/videomae-tiny-kinetics");
        using var model = VideoMAEForVideoClassification.FromPretrained(directory, ModelLoadOptions.Quiet);
        var processor = VideoMAEImageProcessor.FromPretrained(directory);
        using (new VideoClassificationPipeline(model, processor))
        {
        }
        Assert.False(model.parameters().First().IsInvalid);
        var owned = VideoClassificationPipeline.FromPretrained(directory, ModelLoadOptions.Quiet);
        var ownedParameter = owned.Model.parameters().First();
        owned.Dispose();
        Assert.True(ownedParameter.IsInvalid);
    }

    [Theory]
    [InlineData("video-classification", "models/videomae-tiny-kinetics", "VideoMAEImageProcessor")]
    [InlineData("zero-shot-video-classification", "models/xclip-tiny", "XCLIPProcessor")]
    [InlineData("zero-shot-image-classification", "models/altclip-tiny", "CLIPImageProcessor")]
    [InlineData("audio-visual-classification", "models/tvlt-tiny-avclassification", "TvltProcessor")]
    public void AMissingPreprocessorConfigIsAnErrorNamingTheFileForEveryFamily(string task, string model, string processor)
    {
        var directory = TestScratch.CreateDirectory("sharpvl-noprep-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(TestPaths.Fixture(model)).Where(f => Path.GetFileName(f) != "preprocessor_config.json"))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
            var error = Assert.Throws<SharpVL.Processing.ProcessorFileNotFoundException>(() => Pipeline.Create(task, directory, ModelLoadOptions.Quiet));
            Assert.Equal(Path.Combine(directory, "preprocessor_config.json"), error.FilePath);
            Assert.Equal(processor, error.Processor);
            Assert.IsAssignableFrom<SharpVLException>(error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
