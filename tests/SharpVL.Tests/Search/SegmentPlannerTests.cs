using SharpVL.Processing.Video;
using SharpVL.Search;

namespace SharpVL.Tests.Search;

public class SegmentPlannerTests
{
    private static VideoInfo Video(int frames, double fps) =>
        new("v.mp4", frames, fps, 64, 48, TimeSpan.FromSeconds(frames / fps), false, "h264", 0);

    [Fact]
    public void AShortClipIsOneSegmentWithThePipelinesDefaultFrames()
    {
        var segment = Assert.Single(SegmentPlanner.Plan(Video(48, 24), SegmentingOptions.Default, 4));
        Assert.Equal((0.0, 2.0), (segment.StartSeconds, segment.EndSeconds));
        Assert.Equal(FrameSampling.Uniform(48, 4), segment.FrameIndices);
        Assert.Equal(30, segment.ThumbnailFrame);
    }

    [Fact]
    public void LongerVideosGetOverlappingWindowsAndALastOneEndingAtTheEnd()
    {
        var segments = SegmentPlanner.Plan(Video(70, 10), SegmentingOptions.Default, 2);
        Assert.Equal([(0.0, 4.0), (2.0, 6.0), (3.0, 7.0)], segments.Select(s => (s.StartSeconds, s.EndSeconds)));
        Assert.Equal([10, 30], segments[0].FrameIndices);
        Assert.Equal([30, 50], segments[1].FrameIndices);
        Assert.Equal([40, 60], segments[2].FrameIndices);
        Assert.Equal([0, 1, 2], segments.Select(s => s.Ordinal));
    }

    [Fact]
    public void WindowsFollowTheOptions()
    {
        var segments = SegmentPlanner.Plan(Video(60, 10), new SegmentingOptions { SegmentSeconds = 2, StrideSeconds = 2 }, 1);
        Assert.Equal([0.0, 2.0, 4.0], segments.Select(s => s.StartSeconds));
        Assert.Equal([10, 30, 50], segments.Select(s => s.FrameIndices[0]));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(4, 0)]
    [InlineData(2, 3)]
    [InlineData(double.NaN, 1)]
    public void NonsensicalOptionsAreRejected(double length, double stride) =>
        Assert.Throws<ArgumentException>(() => new SegmentingOptions { SegmentSeconds = length, StrideSeconds = stride }.Validate());
}

public class ShardSpecTests
{
    [Fact]
    public void ShardsAreDisjointCoverEverythingAndDoNotDependOnTheProcess()
    {
        var paths = Enumerable.Range(0, 200).Select(i => $"/data/videos/clip{i:000}.mp4").ToList();
        var shards = Enumerable.Range(0, 3).Select(i => new ShardSpec(i, 3)).ToList();
        Assert.All(paths, p => Assert.Single(shards, s => s.Contains(p)));
        Assert.All(shards, s => Assert.InRange(paths.Count(s.Contains), 40, 90));
        // FNV-1a 64 of "a" is fixed by its definition.
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardSpec.StableHash("a"));
    }

    [Theory]
    [InlineData("1/4", 1, 4)]
    [InlineData("0/1", 0, 1)]
    public void ParsesIOverN(string text, int index, int count) => Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void RejectsBadShards(string text) => Assert.Throws<ArgumentException>(() => ShardSpec.Parse(text));
}
