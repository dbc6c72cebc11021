using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Auto;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Pipelines;
using SharpVL.Processing;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Modeling;

/// <summary>AutoConfig, AutoModel, AutoProcessor and Pipeline.Create(model) dispatch on architectures, then model_type.</summary>
public class AutoClassesTests
{
    [Theory]
    [InlineData("models/videomae-tiny", typeof(VideoMAEConfig), typeof(VideoMAEForPreTraining), typeof(VideoMAEImageProcessor))]
    [InlineData("models/videomae-tiny-kinetics", typeof(VideoMAEConfig), typeof(VideoMAEForVideoClassification), typeof(VideoMAEImageProcessor))]
    [InlineData("models/xclip-tiny", typeof(XCLIPConfig), typeof(XCLIPModel), typeof(XCLIPProcessor))]
    [InlineData("models/altclip-tiny", typeof(AltCLIPConfig), typeof(AltCLIPModel), typeof(AltCLIPProcessor))]
    [InlineData("models/tvlt-tiny", typeof(TvltConfig), typeof(TvltForPreTraining), typeof(TvltProcessor))]
    [InlineData("models/tvlt-tiny-avclassification", typeof(TvltConfig), typeof(TvltForAudioVisualClassification), typeof(TvltProcessor))]
    public void AutoClassesLoadWhatTheConfigNames(string model, Type config, Type modelClass, Type processor)
    {
        var directory = TestPaths.Fixture(model);
        Assert.IsType(config, AutoConfig.FromPretrained(directory));
        using var loaded = AutoModel.FromPretrained(directory, ModelLoadOptions.Quiet);
        Assert.IsType(modelClass, loaded);
        Assert.Empty(loaded.LoadReport!.MissingKeys);
        Assert.IsType(processor, AutoProcessor.FromPretrained(directory));
    }

    [Fact]
    public void AutoProcessorsAnswerTheCommonCall()
    {
        using var text = AutoProcessor.FromPretrained(TestPaths.Fixture("models/xclip-tiny")).Process(new ProcessorInputs { Texts = ["a cat"] });
        Assert.Equal([49406L, 320, 2368, 49407], text.InputIds!.data<long>().ToArray());
        Assert.Equal([1L, 1, 1, 1], text["attention_mask"].data<long>().ToArray());

        var frame = new RgbImage(40, 30, Enumerable.Range(0, 40 * 30 * 3).Select(i => (byte)(i % 7)).ToArray());
        var videoMae = AutoProcessor.FromPretrained(TestPaths.Fixture("models/videomae-tiny"));
        using var video = videoMae.Process(new ProcessorInputs { Videos = [[frame, frame]] });
        using var direct = ((VideoMAEImageProcessor)videoMae).Preprocess([[frame, frame]]).ToTensor();
        Assert.Equal(direct.data<float>().ToArray(), video.PixelValues!.data<float>().ToArray());
        var error = Assert.Throws<ArgumentException>(() => videoMae.Process(new ProcessorInputs { Texts = ["a cat"] }));
        Assert.Contains("texts", error.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => video["input_ids"]);
    }

    [Fact]
    public void ModelTypeAloneGivesTheBaseModel()
    {
        Assert.Equal(nameof(VideoMAEModel), ModelRegistry.ForConfig("videomae", [])!.ClassName);
        Assert.Equal(nameof(TvltModel), ModelRegistry.ForConfig("tvlt", ["SomethingElse"])!.ClassName);
        Assert.Equal(nameof(XCLIPModel), ModelRegistry.ForConfig(null, ["Unknown", "XCLIPModel"])!.ClassName);
        Assert.Null(ModelRegistry.ForConfig("bert", ["BertModel"]));
    }

    [Fact]
    public void TypedAutoModelRefusesAnotherClass()
    {
        var error = Assert.Throws<ConfigException>(() => AutoModel.FromPretrained<XCLIPModel>(TestPaths.Fixture("models/altclip-tiny"), ModelLoadOptions.Quiet));
        Assert.Contains("AltCLIPModel", error.Message, StringComparison.Ordinal);
        Assert.IsType<AltCLIPProcessor>(AutoProcessor.FromPretrained<AltCLIPProcessor>(TestPaths.Fixture("models/altclip-tiny")));
    }

    [Theory]
    [InlineData("models/videomae-tiny-kinetics", PipelineTasks.VideoClassification)]
    [InlineData("models/xclip-tiny", PipelineTasks.ZeroShotVideoClassification)]
    [InlineData("models/altclip-tiny", PipelineTasks.ZeroShotImageClassification)]
    [InlineData("models/tvlt-tiny-avclassification", PipelineTasks.AudioVisualClassification)]
    public void PipelineCreateFindsTheTaskFromTheConfig(string model, string task)
    {
        using var pipeline = Pipeline.Create(TestPaths.Fixture(model), ModelLoadOptions.Quiet);
        Assert.Equal(task, pipeline.Task);
    }

    [Fact]
    public void APreTrainingCheckpointHasNoTask()
    {
        var error = Assert.Throws<ConfigException>(() => Pipeline.Create(TestPaths.Fixture("models/videomae-tiny"), ModelLoadOptions.Quiet));
        Assert.Contains("VideoMAEForPreTraining", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnsupportedModelTypeIsNamed()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-auto-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "config.json"), """{"model_type": "bert", "architectures": ["BertModel"]}""");
            var error = Assert.Throws<ConfigException>(() => AutoModel.FromPretrained(directory, ModelLoadOptions.Quiet));
            Assert.Contains("'bert'", error.Message, StringComparison.Ordinal);
            Assert.Contains("videomae", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
