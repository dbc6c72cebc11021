using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing.Video;

/// <summary>
/// Frames equal PyAV 10's <c>to_ndarray(format="rgb24")</c> for every pixel format, range and colour tag: H.264, HEVC,
/// VP9, AV1, MPEG-4, MPEG-2, MJPEG, ProRes and FFV1 clips in 8 to 16 bits, 4:1:0 to 4:4:4, grey and RGB, tagged
/// BT.601 / BT.709 / BT.2020 / unspecified, limited and full range, odd sizes.
/// </summary>
public class VideoColorConversionTests
{
    public static TheoryData<string> Clips => [.. ColorVideoData.Names];

    [Theory]
    [MemberData(nameof(Clips))]
    public void EveryFrameEqualsPyAv(string file)
    {
        var frames = VideoReader.Default.ReadAllFrames(ColorVideoData.PathOf(file));

        ColorVideoData.AssertPyAvFrames(file, frames);
        Assert.True(frames.Report.IsClean, frames.Report.Summary());
    }

    [Fact]
    public void TheMatrixCoversTagsThatTheTagHonouringConversionGetsWrong()
    {
        // The clips are a real test of the rule: with ffmpeg's own tag-honouring scaler these differ from PyAV (the
        // generator measured it), by up to 40+ levels for BT.709 / BT.2020 and for full-range tags on non-j formats.
        var sensitive = ColorVideoData.Names
            .Select(ColorVideoData.Clip)
            .Where(c => c.TryGetProperty("tag_honouring_max_diff", out var d) && d.GetInt32() > 20)
            .Select(c => c.GetProperty("color_space").GetString() + "/" + c.GetProperty("pix_fmt").GetString())
            .ToHashSet();
        Assert.Contains("bt709/yuv420p", sensitive);
        Assert.Contains("bt709/yuvj420p", sensitive);
        Assert.Contains("bt2020nc/yuv420p10le", sensitive);
        Assert.Contains("bt709/yuv444p", sensitive); // full-range tag on yuv444p: PyAV still reads it as limited
        Assert.True(sensitive.Count >= 15, $"{sensitive.Count} sensitive clips");
    }

    [Fact]
    public void SelectedFramesOfATaggedClipEqualPyAvToo()
    {
        const string file = "h264_yuv420p_bt709_tv.mp4";
        var all = VideoReader.Default.ReadAllFrames(ColorVideoData.PathOf(file));
        var some = VideoReader.Default.ReadFrames(ColorVideoData.PathOf(file), [2, 0]);

        Assert.Equal(all[2].Pixels, some[0].Pixels);
        Assert.Equal(all[0].Pixels, some[1].Pixels);
    }

    [Theory]
    [InlineData("yuv420p", false)]
    [InlineData("yuv420p10le", false)]
    [InlineData("yuv444p16le", false)]
    [InlineData("nv12", false)]
    [InlineData("gbrp10le", false)]
    [InlineData("yuvj420p", true)]
    [InlineData("yuvj422p", true)]
    [InlineData("yuvj444p", true)]
    [InlineData("yuvj440p", true)]
    [InlineData("yuvj411p", true)]
    [InlineData("gray", true)]
    [InlineData("gray10le", true)]
    [InlineData("gray16be", true)]
    [InlineData("ya8", true)]
    [InlineData("ya16le", true)]
    public void SourceRangeFollowsSwscalesPixelFormatRule(string pixelFormat, bool full)
    {
        Assert.Equal(full, PyAvRgbConversion.IsFullRangeBySwscale(pixelFormat));
        Assert.Contains(full ? "in_range=pc" : "in_range=tv", PyAvRgbConversion.ScaleFilter(pixelFormat));
        Assert.Contains("in_color_matrix=bt601", PyAvRgbConversion.ScaleFilter(pixelFormat));
    }
}
