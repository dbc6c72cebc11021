using SharpVL.Models.Tvlt;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Tvlt;

public class TvltImageProcessorTests
{
    private static List<RgbImage> Frames(int count, int width = 50, int height = 40) =>
        Enumerable.Range(0, count).Select(i => new RgbImage(width, height, Enumerable.Repeat((byte)(i * 40), width * height * 3).ToArray())).ToList();

    [Fact]
    public void RaggedBatchKeepsVideosApartAndPadsOnlyTheMask()
    {
        var processor = TvltImageProcessor.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"));
        var output = processor.Preprocess([Frames(4), Frames(2)]);
        Assert.Null(output.Stacked);
        Assert.Equal([4L, 3, 32, 32], output.Videos[0].Shape);
        Assert.Equal([2L, 3, 32, 32], output.Videos[1].Shape);
        Assert.Equal([2L, 16], output.PixelMaskShape);
        Assert.Equal(Enumerable.Repeat(1L, 16).Concat(Enumerable.Repeat(1L, 8)).Concat(Enumerable.Repeat(0L, 8)), output.PixelMask);
        Assert.Contains("different frame counts", Assert.Throws<InvalidOperationException>(() => output.StackedTensor()).Message);
        Assert.Equal(["pixel_values.0", "pixel_values.1", "pixel_mask"], output.ToTensors().Keys);
    }

    [Fact]
    public void MixedRenamesTheOutputs()
    {
        var processor = TvltImageProcessor.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"));
        var output = processor.Preprocess([Frames(3)], isMixed: true);
        Assert.Equal(["pixel_values_mixed", "pixel_mask_mixed"], output.ToTensors().Keys);
        Assert.Equal([1L, 3, 3, 32, 32], output.Stacked!.Shape);
    }

    [Fact]
    public void TooManyFramesAreRejectedWithTheProcessorsLimit()
    {
        var processor = TvltImageProcessor.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"));
        var error = Assert.Throws<ArgumentException>(() => processor.Preprocess([Frames(5)]));
        Assert.Contains("maximum frames of the model 4", error.Message);
    }

    [Fact]
    public void MaskCountsPatchesOfTheResizeSizeNotTheCrop()
    {
        // shortest_edge 48, crop 32: Transformers counts (48 // 16)^2 = 9 patches per frame although 4 remain after cropping.
        var processor = new TvltImageProcessor(TvltImageProcessor.TvltDefaults with
        {
            Size = ImageSizeSpec.Shortest(48),
            CropSize = ImageSizeSpec.Exact(32, 32),
        }, numFrames: 4);
        var output = processor.Preprocess([Frames(2)]);
        Assert.Equal([1L, 18], output.PixelMaskShape);
        Assert.Equal([1L, 2, 3, 32, 32], output.Stacked!.Shape);
    }

    [Fact]
    public void ProcessorWithoutConfigFileIsAnErrorAndDefaultsAreExplicit()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-tvlt-").FullName;
        try
        {
            var missing = Assert.Throws<SharpVL.Processing.ProcessorFileNotFoundException>(() => TvltProcessor.FromPretrained(directory));
            Assert.Equal(Path.Combine(directory, "preprocessor_config.json"), missing.FilePath);
            Assert.Contains("preprocessor_config.json: not found; TvltProcessor needs it", missing.Message, StringComparison.Ordinal);
            var processor = TvltProcessor.CreateDefault();
            Assert.Equal(8, processor.ImageProcessor.NumFrames);
            Assert.Equal(224, processor.ImageProcessor.Options.Size.ShortestEdge);
            Assert.Equal(2048, processor.FeatureExtractor.Options.SpectrogramLength);
            Assert.Equal(44100, processor.FeatureExtractor.Options.SamplingRate);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        var tiny = TvltProcessor.FromPretrained(TestPaths.Fixture("models/tvlt-tiny"));
        Assert.Equal(4, tiny.ImageProcessor.NumFrames);
        Assert.Equal(32, tiny.ImageProcessor.Options.Size.ShortestEdge);
        Assert.Throws<ArgumentException>(() => tiny.Process());
    }
}
