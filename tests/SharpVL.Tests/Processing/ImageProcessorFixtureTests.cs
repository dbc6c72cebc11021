using System.Text.Json;
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

        PixelValues got;
        if (c.GetProperty("class").GetString() == "VideoMAEImageProcessor")
        {
            var videos = inputs["videos"];
            got = VideoMAEImageProcessor.FromPretrained(dir).PreprocessArray(videos.Bytes, videos.Shape, args);
        }
        else
        {
            var images = inputs["images"];
            got = CLIPImageProcessor.FromPretrained(dir).PreprocessArray(images.Bytes, images.Shape, args);
        }

        Assert.Equal(expected.Shape, got.Shape);
        FixtureFiles.AssertClose(expected.AsFloat32(), got.Data, c.GetProperty("atol").GetDouble(), c.GetProperty("rtol").GetDouble(), caseName);
    }

    [Fact]
    public void PixelValuesBecomeAFloat32Tensor()
    {
        var c = FixtureFiles.ManifestCase("xclip_processor_video");
        var videos = FixtureFiles.ReadSafetensors(c.GetProperty("inputs").GetString()!)["videos"];
        var processor = VideoMAEImageProcessor.FromPretrained(FixtureFiles.PathOf("models/xclip-tiny"));
        var values = processor.PreprocessArray(videos.Bytes, videos.Shape);
        using var tensor = values.ToTensor();
        Assert.Equal(new long[] { 1, 4, 3, 32, 32 }, tensor.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, tensor.dtype);
        Assert.Equal(values.Data[123], tensor.reshape(-1)[123].item<float>());
    }
}
