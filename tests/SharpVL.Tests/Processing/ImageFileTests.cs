using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

public class ImageFileTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void PngRoundTripIsExact(int channels)
    {
        var rng = new Random(channels);
        var pixels = new byte[13 * 7 * channels];
        rng.NextBytes(pixels);
        var image = new RgbImage(13, 7, pixels, channels);
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "x.png");

        ImageFile.SavePng(image, path);
        var back = ImageFile.Load(path);

        Assert.Equal((13, 7, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(pixels, back.Pixels);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void SavingOverwritesAnExistingFileWhole()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "x.png");
        ImageFile.SavePng(new RgbImage(2, 2, new byte[12]), path);
        ImageFile.SavePng(new RgbImage(3, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9]), path);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, ImageFile.Load(path).Pixels);
    }

    [Fact]
    public void LoadRgbConvertsLikeLoadImage()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "grey.png");
        ImageFile.SavePng(new RgbImage(2, 1, [7, 9], 1), path);
        var rgb = ImageFile.LoadRgb(path);
        Assert.Equal(3, rgb.Channels);
        Assert.Equal(new byte[] { 7, 7, 7, 9, 9, 9 }, rgb.Pixels);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ImageFile.Load("/no/such/image.jpg"));
        Assert.Contains("/no/such/image.jpg", e.Message);
    }

    [Fact]
    public void NonImageIsInvalidDataNamingTheFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Load(FixtureFiles.PathOf("manifest.json")));
        Assert.Contains("manifest.json", e.Message);
    }
}
