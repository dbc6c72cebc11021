using SharpVL.Models.XCLIP;
using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;

namespace SharpVL.Tests.XCLIP;

public sealed class XCLIPProcessorTests : IDisposable
{
    private static readonly string TinyDir = TestPaths.Fixture("models/xclip-tiny");
    private readonly string _dir = TestScratch.CreateDirectory("xclip-processor").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadsTheHubReposLegacyPreprocessorConfig()
    {
        // What microsoft/xclip-base-patch32 ships: a VideoMAEFeatureExtractor file with a bare int size and no crop_size.
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(TinyDir, file), Path.Combine(_dir, file));
        }
        File.WriteAllText(Path.Combine(_dir, "preprocessor_config.json"), """
            {"do_center_crop": true, "do_normalize": true, "do_resize": true, "feature_extractor_type": "VideoMAEFeatureExtractor",
             "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225], "processor_class": "XCLIPProcessor",
             "resample": 2, "size": 224}
            """);
        var processor = XCLIPProcessor.FromPretrained(_dir);
        Assert.Equal(224, processor.ImageProcessor.Options.Size.ShortestEdge);
        Assert.Equal((224, 224), (processor.ImageProcessor.Options.CropSize.Height, processor.ImageProcessor.Options.CropSize.Width));
        Assert.Equal(77, processor.Tokenizer.ModelMaxLength);
    }

    [Fact]
    public void TextsAndVideosTogetherOrAlone()
    {
        var processor = XCLIPProcessor.FromPretrained(TinyDir);
        var frame = new RgbImage(96, 72, Enumerable.Range(0, 96 * 72 * 3).Select(i => (byte)(i % 251)).ToArray());
        using var both = processor.Process(["a cat", "two dogs running"], [[frame, frame, frame, frame]], new TokenizeOptions { Padding = PaddingStrategy.Longest });
        Assert.Equal(["input_ids", "attention_mask", "pixel_values"], both.Keys);
        Assert.Equal([2L, 5L], both.InputIds!.shape);
        Assert.Equal([49406L, 320, 2368, 49407, 49407], both.InputIds[0].data<long>().ToArray()); // padded with <|endoftext|>
        Assert.Equal([1L, 1, 1, 1, 0], both.AttentionMask![0].data<long>().ToArray());
        Assert.Equal([1L, 4, 3, 32, 32], both.PixelValues!.shape);

        using var textOnly = processor.Process(["a cat"]);
        Assert.Null(textOnly.PixelValues);
        Assert.Equal([1L, 4L], textOnly.InputIds!.shape);
        using var videoOnly = processor.Process(videos: [[frame, frame, frame, frame]]);
        Assert.Null(videoOnly.InputIds);
        Assert.Equal(both.PixelValues.data<float>().ToArray(), videoOnly.PixelValues!.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => processor.Process());
        Assert.Throws<ArgumentException>(() => ((IProcessor)processor).Process(new ProcessorInputs { Audio = [new float[4]] }));
        var ragged = Assert.Throws<InvalidOperationException>(() => processor.Process(["a cat", "two dogs running"]));
        Assert.Contains("padding", ragged.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DecodesLikeTheTokenizer()
    {
        var processor = XCLIPProcessor.FromPretrained(TinyDir);
        long[] ids = [49406, 320, 2368, 49407];
        Assert.Equal("<|startoftext|>a cat <|endoftext|>", processor.Decode(ids));
        Assert.Equal(["a cat", "a cat"], processor.BatchDecode([ids, ids], skipSpecialTokens: true));
    }

    [Fact]
    public void MissingPreprocessorConfigIsAClearError()
    {
        var error = Assert.Throws<SharpVL.Processing.ProcessorFileNotFoundException>(() => XCLIPProcessor.FromPretrained(_dir));
        Assert.Contains("preprocessor_config.json", error.Message, StringComparison.Ordinal);
    }
}
