using SharpVL.Pipelines;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Pipelines;

public class VideoClipsTests
{
    [Fact]
    public void DecodeAheadYieldsEveryFileOnceInOrder()
    {
        var clip = TestPaths.Fixture("media/clip.mp4");
        var withAudio = TestPaths.Fixture("media/clip_with_audio.mp4");
        string[] paths = [clip, withAudio, clip, withAudio, clip];
        var batches = VideoClips.DecodeAhead(VideoReader.Default, paths, FrameSelection.Indices([0, 47]), 2, batchSize: 2).ToList();
        Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
        Assert.Equal(paths, batches.SelectMany(b => b).Select(c => c.Path));
        Assert.All(batches.SelectMany(b => b), c => Assert.Equal([0, 47], c.FrameIndices));
        Assert.All(batches.SelectMany(b => b), c => Assert.Equal(2, c.Frames.Count));
    }

    [Fact]
    public void UniformSelectionTakesSegmentCentres()
    {
        var decoded = VideoClips.Decode(VideoReader.Default, TestPaths.Fixture("media/clip.mp4"), null, 4);
        Assert.Equal([6, 18, 30, 42], decoded.FrameIndices);
        Assert.Equal(96, decoded.Frames[0].Width);
    }
}
