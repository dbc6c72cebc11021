using SharpVL.Parity;
using SharpVL.Processing;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

/// <summary>Every VideoMAEImageProcessor / CLIPImageProcessor case of the fixture manifest.</summary>
public class ImageProcessorFixtureTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in FixtureFiles.CaseNames(c =>
            c.GetProperty("kind").GetString() == "processor" &&
            c.GetProperty("class").GetString() is "VideoMAEImageProcessor" or "CLIPImageProcessor"))
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void ManifestHasTheExpectedProcessorCases()
    {
        var names = FixtureFiles.CaseNames(c =>
            c.GetProperty("kind").GetString() == "processor" &&
            c.GetProperty("class").GetString() is "VideoMAEImageProcessor" or "CLIPImageProcessor").ToHashSet();
        Assert.Equal(9, names.Count);
        Assert.Contains("xclip_processor_video", names);
        Assert.Contains("clip_image_processor_grayscale", names);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTransformers(string caseName)
    {
        var c = FixtureFiles.ManifestCase(caseName);
        var inputs = FixtureFiles.ReadSafetensors(c.GetProperty("inputs").GetString()!);
        var expected = FixtureFiles.ReadSafetensors(c.GetProperty("expected").GetString()!)["pixel_values"];
        var args = FixtureFiles.Args(c);
        string dir = FixtureFiles.PathOf(c.GetProperty("processor").GetString()!);

        var processor = ImageProcessorLoader.FromPretrained(dir, c.GetProperty("class").GetString());
        var input = inputs[c.GetProperty("call").GetString()!]; // "videos" or "images"
        var got = FixtureProcessorCalls.PreprocessArray(processor, input.Bytes, input.Shape, args);

        Assert.Equal(expected.Shape, got.Shape);
        FixtureFiles.AssertClose(expected.AsFloat32(), got.Data, c.GetProperty("atol").GetDouble(), c.GetProperty("rtol").GetDouble(), caseName);
    }

    [Theory]
    [InlineData("models/xclip-tiny", typeof(VideoMAEImageProcessor))]
    [InlineData("models/altclip-tiny", typeof(CLIPImageProcessor))]
    public void LoaderPicksTheClassNamedInTheConfig(string model, Type expected) =>
        Assert.IsType(expected, ImageProcessorLoader.FromPretrained(FixtureFiles.PathOf(model)));

    [Fact]
    public void LoaderLoadsTvltWithItsPatchSizeAndFrameLimit()
    {
        var loaded = ImageProcessorLoader.FromPretrained(FixtureFiles.PathOf("models/tvlt-tiny"));
        var tvlt = Assert.IsType<TvltImageProcessor>(loaded);
        var named = Assert.IsType<TvltImageProcessor>(ImageProcessorLoader.FromPretrained(FixtureFiles.PathOf("models/tvlt-tiny"), "TvltImageProcessor"));
        Assert.Equal(4, tvlt.NumFrames);
        Assert.Equal(named.PatchSize, tvlt.PatchSize);
        var frame = new RgbImage(50, 40, Enumerable.Repeat((byte)80, 50 * 40 * 3).ToArray());
        using var features = loaded.Process(new ProcessorInputs { Videos = [[frame, frame]] });
        Assert.Equal([1L, 2, 3, 32, 32], features.PixelValues!.shape);
        Assert.Equal(Enumerable.Repeat(1L, (int)features.PixelMask!.shape[1]), features.PixelMask.data<long>().ToArray());
    }

    [Fact]
    public void LoaderRejectsOtherProcessors()
    {
        var e = Assert.Throws<NotSupportedException>(() => ImageProcessorLoader.FromPretrained(FixtureFiles.PathOf("models/tvlt-tiny"), "TvltFeatureExtractor"));
        Assert.Contains("TvltFeatureExtractor", e.Message);
    }

    [Fact]
    public void RaggedVideosCannotBeStacked()
    {
        var processor = new VideoMAEImageProcessor(ImageProcessingOptions.VideoMAEDefaults with { Size = ImageSizeSpec.Shortest(8), CropSize = ImageSizeSpec.Exact(8, 8) });
        var frame = new RgbImage(10, 10, new byte[300]);
        var e = Assert.Throws<ArgumentException>(() => processor.Preprocess([[frame, frame], [frame]]));
        Assert.Contains("same frame count", e.Message);
    }

    [Fact]
    public void NonRgbFramesNeedConversion()
    {
        var processor = new VideoMAEImageProcessor();
        var e = Assert.Throws<ArgumentException>(() => processor.PreprocessImage(new RgbImage(4, 4, new byte[16], 1)));
        Assert.Contains("ConvertToRgb", e.Message);
    }

    [Fact]
    public void SingleImageIsAOneFrameVideo()
    {
        var processor = VideoMAEImageProcessor.FromPretrained(FixtureFiles.PathOf("models/videomae-tiny"));
        var values = processor.PreprocessImage(new RgbImage(40, 30, Enumerable.Repeat((byte)255, 3600).ToArray()));
        Assert.Equal(new long[] { 1, 1, 3, 32, 32 }, values.Shape);
        // (1.0 - 0.485) / 0.229 in float32 for the red plane
        Assert.Equal((1f - 0.485f) / 0.229f, values.Data[0]);
    }

    [Fact]
    public void PixelValuesBecomeAFloat32Tensor()
    {
        var c = FixtureFiles.ManifestCase("xclip_processor_video");
        var videos = FixtureFiles.ReadSafetensors(c.GetProperty("inputs").GetString()!)["videos"];
        var processor = VideoMAEImageProcessor.FromPretrained(FixtureFiles.PathOf("models/xclip-tiny"));
        var values = FixtureProcessorCalls.PreprocessArray(processor, videos.Bytes, videos.Shape);
        using var tensor = values.ToTensor();
        Assert.Equal(new long[] { 1, 4, 3, 32, 32 }, tensor.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, tensor.dtype);
        Assert.Equal(values.Data[123], tensor.reshape(-1)[123].item<float>());
    }
}
