using System.Buffers.Binary;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing.Video;

/// <summary>Display-matrix rotation: ignored by default (as PyAV), applied on request (<see cref="VideoReadOptions.AutoRotate"/>).</summary>
public class VideoRotationTests
{
    private static readonly VideoReader Upright = new() { Options = new VideoReadOptions { AutoRotate = true } };

    [Theory]
    [InlineData("rotate_90.mp4", 90)]
    [InlineData("rotate_180.mp4", 180)]
    [InlineData("rotate_270.mp4", 270)]
    public void ByDefaultFramesComeAsStoredLikePyAv(string file, int rotation)
    {
        var info = VideoReader.Default.Probe(ColorVideoData.PathOf(file));
        var frames = VideoReader.Default.ReadAllFrames(ColorVideoData.PathOf(file));

        Assert.Equal(rotation, info.Orientation!.Rotation);
        Assert.Equal((64, 36), (info.Width, info.Height));
        ColorVideoData.AssertPyAvFrames(file, frames);
    }

    [Theory]
    [InlineData("rotate_90.mp4", 90)]
    [InlineData("rotate_180.mp4", 180)]
    [InlineData("rotate_270.mp4", 270)]
    public void AutoRotateTurnsPyAvsFramesUpright(string file, int counterclockwise)
    {
        var stored = VideoReader.Default.ReadAllFrames(ColorVideoData.PathOf(file));
        var upright = Upright.ReadAllFrames(ColorVideoData.PathOf(file));
        var some = Upright.ReadFrames(ColorVideoData.PathOf(file), [1]);

        Assert.Equal(stored.Count, upright.Count);
        for (int i = 0; i < stored.Count; i++)
        {
            var expected = RotateCounterclockwise(stored[i], counterclockwise);
            Assert.Equal((expected.Width, expected.Height), (upright[i].Width, upright[i].Height));
            Assert.Equal(expected.Pixels, upright[i].Pixels);
        }
        Assert.Equal(upright[1].Pixels, some[0].Pixels);
        Assert.Equal(counterclockwise % 180 == 0 ? 64 : 36, some[0].Width);
    }

    [Fact]
    public void AutoRotateLeavesClipsWithoutADisplayMatrixAlone()
    {
        string path = ColorVideoData.PathOf("h264_yuv420p_bt709_tv.mp4");
        Assert.Equal(0, VideoReader.Default.Probe(path).Orientation!.Rotation);
        ColorVideoData.AssertPyAvFrames("h264_yuv420p_bt709_tv.mp4", Upright.ReadAllFrames(path));
    }

    [Fact]
    public void AMirroringDisplayMatrixIsUndoneToo()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "mirrored.mp4");
        var bytes = File.ReadAllBytes(ColorVideoData.PathOf("h264_yuv420p_bt709_tv.mp4"));
        // tkhd matrix {a b u / c d v / x y w} starts 44 bytes after the box type; a = -1 (16.16), x = width: a mirror.
        int tkhd = bytes.AsSpan().IndexOf("tkhd"u8);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(tkhd + 44), -65536);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(tkhd + 44 + 24), 162 << 16);
        File.WriteAllBytes(path, bytes);

        var stored = VideoReader.Default.ReadAllFrames(path);
        var upright = Upright.ReadAllFrames(path);

        ColorVideoData.AssertPyAvFrames("h264_yuv420p_bt709_tv.mp4", stored);
        for (int i = 0; i < stored.Count; i++)
        {
            Assert.Equal(MirrorHorizontally(stored[i]).Pixels, upright[i].Pixels);
        }
    }

    [Theory]
    [InlineData(new long[] { 65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30 }, 0, new string[0])]
    [InlineData(new long[] { 0, -65536, 0, 65536, 0, 0, 0, 0, 1 << 30 }, 90, new[] { "transpose=cclock" })]
    [InlineData(new long[] { 0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30 }, 270, new[] { "transpose=clock" })]
    [InlineData(new long[] { -65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30 }, 180, new[] { "hflip", "vflip" })]
    [InlineData(new long[] { 65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30 }, 0, new[] { "vflip" })]
    [InlineData(new long[] { 0, 65536, 0, 65536, 0, 0, 0, 0, 1 << 30 }, 270, new[] { "transpose=cclock_flip" })]
    [InlineData(new long[] { 46341, -46341, 0, 46341, 46341, 0, 0, 0, 1 << 30 }, 0, new string[0])] // 45°: not turned
    [InlineData(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, new string[0])] // degenerate
    public void DisplayMatricesMapToTheFfmpegCliTurns(long[] matrix, int rotation, string[] filters)
    {
        var orientation = DisplayOrientation.FromMatrix(matrix);
        Assert.Equal(filters, orientation.Filters);
        Assert.Equal(rotation, orientation.Rotation);
    }

    private static RgbImage RotateCounterclockwise(RgbImage image, int degrees)
    {
        var result = image;
        for (int turn = 0; turn < degrees / 90; turn++)
        {
            int w = result.Width, h = result.Height;
            var pixels = new byte[w * h * 3];
            // 90° counterclockwise: output (row r, column c) = input (row c, column w - 1 - r); output is h wide, w high.
            for (int r = 0; r < w; r++)
            {
                for (int c = 0; c < h; c++)
                {
                    Array.Copy(result.Pixels, (c * w + (w - 1 - r)) * 3, pixels, (r * h + c) * 3, 3);
                }
            }
            result = new RgbImage(h, w, pixels);
        }
        return result;
    }

    private static RgbImage MirrorHorizontally(RgbImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                Array.Copy(image.Pixels, (y * image.Width + x) * 3, pixels, (y * image.Width + image.Width - 1 - x) * 3, 3);
            }
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }
}
