using System.Text.Json;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

public class ImageProcessingOptionsTests
{
    // The shape of the Hub's microsoft/xclip-* preprocessor configs (feature-extractor era: bare ints).
    private const string LegacyXClipConfig = """
        {
          "crop_size": 224,
          "do_center_crop": true,
          "do_normalize": true,
          "do_resize": true,
          "feature_extractor_type": "VideoMAEFeatureExtractor",
          "image_mean": [0.485, 0.456, 0.406],
          "image_std": [0.229, 0.224, 0.225],
          "processor_class": "XCLIPProcessor",
          "resample": 2,
          "size": 224
        }
        """;

    [Fact]
    public void LegacyBareIntSizesFollowGetSizeDict()
    {
        var p = VideoMAEImageProcessor.FromJson(LegacyXClipConfig);
        Assert.Equal(224, p.Options.Size.ShortestEdge); // size: default_to_square=False
        Assert.Null(p.Options.Size.Height);
        Assert.Equal((224, 224), (p.Options.CropSize.Height, p.Options.CropSize.Width)); // crop_size: square
        Assert.Equal(PilResample.Bilinear, p.Options.Resample);
        Assert.Equal("VideoMAEFeatureExtractor", p.Options.ExtraKeys["feature_extractor_type"].GetString());
        Assert.Equal("XCLIPProcessor", p.Options.ExtraKeys["processor_class"].GetString());
    }

    [Fact]
    public void MissingKeysTakeTheClassDefaults()
    {
        var videomae = VideoMAEImageProcessor.FromJson("""{"size": 224}""").Options;
        Assert.Equal((224, 224), (videomae.CropSize.Height, videomae.CropSize.Width));
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, videomae.ImageMean);
        Assert.Null(videomae.DoConvertRgb);

        var clip = CLIPImageProcessor.FromJson("{}").Options;
        Assert.Equal(PilResample.Bicubic, clip.Resample);
        Assert.Equal(0.48145466, clip.ImageMean[0]);
        Assert.Equal(0.27577711, clip.ImageStd[2]);
        Assert.True(clip.DoConvertRgb);
        Assert.Equal(1.0 / 255, clip.RescaleFactor);
    }

    [Fact]
    public void FixtureConfigRoundTripsThroughToJson()
    {
        var options = CLIPImageProcessor.FromPretrained(FixtureFiles.PathOf("models/altclip-tiny")).Options;
        var again = ImageProcessingOptions.FromJson(options.ToJson(), ImageProcessingOptions.VideoMAEDefaults);

        Assert.Equal(32, again.Size.ShortestEdge);
        Assert.Equal(PilResample.Bicubic, again.Resample);
        Assert.Equal(options.ImageMean, again.ImageMean);
        Assert.True(again.DoConvertRgb);
        Assert.Equal("AltCLIPProcessor", again.ExtraKeys["processor_class"].GetString());
        Assert.Equal("CLIPImageProcessor", again.ExtraKeys["image_processor_type"].GetString());
    }

    [Fact]
    public void CallArgumentsOverrideAndReturnTensorsIsIgnored()
    {
        var baseOptions = ImageProcessingOptions.VideoMAEDefaults;
        var args = Parse("""{"do_center_crop": false, "image_mean": 0.25, "size": {"height": 10, "width": 20}, "crop_size": 8, "return_tensors": "pt", "resample": 3, "do_rescale": null}""");

        var o = baseOptions.WithCallArguments(args);

        Assert.False(o.DoCenterCrop);
        Assert.Equal(new[] { 0.25 }, o.ImageMean);
        Assert.Equal((10, 20), (o.Size.Height, o.Size.Width));
        Assert.Equal((8, 8), (o.CropSize.Height, o.CropSize.Width));
        Assert.Equal(PilResample.Bicubic, o.Resample);
        Assert.True(o.DoRescale); // null keeps the processor's value
    }

    [Fact]
    public void BadValuesNameTheKey()
    {
        var e1 = Assert.Throws<ArgumentException>(() => ImageProcessingOptions.VideoMAEDefaults.WithCallArguments(Parse("""{"do_centre_crop": false}""")));
        Assert.Contains("do_centre_crop", e1.Message);

        var e2 = Assert.Throws<SharpVL.Configuration.ConfigException>(() => VideoMAEImageProcessor.FromJson("""{"size": {"width": 3}}"""));
        Assert.Contains("'size'", e2.Message);

        var e3 = Assert.Throws<SharpVL.Configuration.ConfigException>(() => VideoMAEImageProcessor.FromJson("""{"resample": 9}"""));
        Assert.Contains("resample", e3.Message);

        Assert.Throws<SharpVL.Configuration.ConfigException>(() => VideoMAEImageProcessor.FromJson("{not json"));
        var e4 = Assert.Throws<SharpVL.Processing.ProcessorFileNotFoundException>(() => VideoMAEImageProcessor.FromPretrained("/no/such/model"));
        Assert.Contains("preprocessor_config.json", e4.Message);
    }

    [Fact]
    public void ClipRejectsExactResizeSizeLikeTransformers()
    {
        var clip = new CLIPImageProcessor(ImageProcessingOptions.ClipDefaults with { Size = ImageSizeSpec.Exact(8, 8) });
        var image = new RgbImage(4, 4, new byte[48]);
        var e = Assert.Throws<ArgumentException>(() => clip.PreprocessImage(image));
        Assert.Contains("shortest_edge", e.Message);
    }

    private static Dictionary<string, JsonElement> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
