using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

public class ImageTransformsTests
{
    [Theory]
    [InlineData(48, 64, 32, 32, 42)] // landscape: int(32*64/48) = 42
    [InlineData(50, 30, 32, 53, 32)] // portrait: int(32*50/30) = 53 (truncation of 53.33)
    [InlineData(27, 20, 32, 43, 32)]
    [InlineData(20, 20, 7, 7, 7)]
    public void ShortestEdgeSizeTruncates(int h, int w, int shortest, int expH, int expW) =>
        Assert.Equal((expH, expW), ImageTransforms.ShortestEdgeOutputSize(h, w, shortest));

    [Fact]
    public void CenterCropUsesFloorOffsets()
    {
        var image = Gradient(5, 4, 1); // width 5, height 4, value = y*5+x
        var crop = ImageTransforms.CenterCrop(image, 2, 2);
        // top = (4-2)//2 = 1, left = (5-2)//2 = 1
        Assert.Equal(new byte[] { 6, 7, 11, 12 }, crop.Pixels);
    }

    [Fact]
    public void CenterCropPadsWithZerosWhenTooSmall()
    {
        var image = Gradient(2, 2, 1, start: 1); // [[1,2],[3,4]]
        var crop = ImageTransforms.CenterCrop(image, 4, 4);
        Assert.Equal((4, 4), (crop.Height, crop.Width));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 }, crop.Pixels);
    }

    [Fact]
    public void CenterCropOddShortfallLosesARowAsInTransformers()
    {
        // H=3 -> crop 4: top = (3-4)//2 = -1, pad top = (4-3)//2 = 0 -> window rows -1..3 clamped to 0..3 = 3 rows.
        var crop = ImageTransforms.CenterCrop(Gradient(4, 3, 1), 4, 4);
        Assert.Equal((3, 4), (crop.Height, crop.Width));
    }

    [Fact]
    public void ConvertToRgbReplicatesGreyAndDropsAlpha()
    {
        var grey = ImageTransforms.ConvertToRgb(new RgbImage(2, 1, [10, 200], 1));
        Assert.Equal(new byte[] { 10, 10, 10, 200, 200, 200 }, grey.Pixels);

        var rgba = ImageTransforms.ConvertToRgb(new RgbImage(1, 1, [1, 2, 3, 0], 4));
        Assert.Equal(new byte[] { 1, 2, 3 }, rgba.Pixels);
    }

    [Fact]
    public void ExifOrientationsMovePixelsLikePil()
    {
        var image = Gradient(3, 2, 1); // [[0,1,2],[3,4,5]]
        Assert.Equal(new byte[] { 2, 1, 0, 5, 4, 3 }, ExifOrientation.Apply(image, 2).Pixels);
        Assert.Equal(new byte[] { 5, 4, 3, 2, 1, 0 }, ExifOrientation.Apply(image, 3).Pixels);
        var cw = ExifOrientation.Apply(image, 6); // rotate 90 clockwise: [[3,0],[4,1],[5,2]]
        Assert.Equal((2, 3), (cw.Width, cw.Height));
        Assert.Equal(new byte[] { 3, 0, 4, 1, 5, 2 }, cw.Pixels);
        Assert.Equal(new byte[] { 2, 5, 1, 4, 0, 3 }, ExifOrientation.Apply(image, 8).Pixels); // counter-clockwise
        Assert.Equal(new byte[] { 0, 3, 1, 4, 2, 5 }, ExifOrientation.Apply(image, 5).Pixels); // transpose
        Assert.Equal(new byte[] { 5, 2, 4, 1, 3, 0 }, ExifOrientation.Apply(image, 7).Pixels); // transverse
    }

    internal static RgbImage Gradient(int width, int height, int channels, int start = 0)
    {
        var p = new byte[width * height * channels];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (byte)(start + i);
        }
        return new RgbImage(width, height, p, channels);
    }
}
