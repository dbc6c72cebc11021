using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

public class PilResamplerTests
{
    [Fact]
    public void SameSizeIsACopy()
    {
        var image = ImageTransformsTests.Gradient(4, 3, 3);
        var same = PilResampler.Resize(image, 4, 3, PilResample.Bicubic);
        Assert.Equal(image.Pixels, same.Pixels);
        Assert.NotSame(image.Pixels, same.Pixels);
    }

    [Theory]
    [InlineData(PilResample.Bilinear)]
    [InlineData(PilResample.Bicubic)]
    [InlineData(PilResample.Lanczos)]
    [InlineData(PilResample.Box)]
    [InlineData(PilResample.Hamming)]
    [InlineData(PilResample.Nearest)]
    public void ConstantImagesStayConstant(PilResample filter)
    {
        var image = new RgbImage(9, 5, Enumerable.Repeat((byte)137, 9 * 5 * 3).ToArray());
        Assert.All(PilResampler.Resize(image, 4, 11, filter).Pixels, v => Assert.Equal(137, v));
    }

    [Fact]
    public void BilinearHalvingUsesTheWidenedRenormalisedKernel()
    {
        // 4 -> 2: scale 2 doubles the triangle's support to 2. Output 0 (centre 1.0) reads inputs 0..2 with
        // weights 0.75, 0.75, 0.25 (/1.75); output 1 (centre 3.0) reads inputs 1..3 with 0.25, 0.75, 0.75 (/1.75).
        var image = new RgbImage(4, 1, [0, 80, 160, 240], 1);
        var half = PilResampler.Resize(image, 2, 1, PilResample.Bilinear);
        Assert.Equal(new byte[] { 57, 183 }, half.Pixels); // 57.14 and 182.86, rounded half up
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var image = new RgbImage(2, 2, new byte[12]);
        Assert.Throws<ArgumentException>(() => PilResampler.Resize(image, 0, 2, PilResample.Bilinear));
        Assert.Throws<ArgumentException>(() => PilResampler.Resize(image, 3, 3, (PilResample)7));
    }
}
