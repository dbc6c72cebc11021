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
    public void ABatchDecodedInParallelKeepsItsOrderAndThrowsForItsFirstBadFile()
    {
        var clip = TestPaths.Fixture("media/clip.mp4");
        var folder = TestScratch.CreateDirectory("clips-");
        var corrupt = Path.Combine(folder.FullName, "corrupt.mp4");
        File.WriteAllBytes(corrupt, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))]);
        var missing = Path.Combine(folder.FullName, "missing.mp4");
        var decoded = Assert.Single(VideoClips.DecodeAhead(VideoReader.Default, [clip, clip, clip, clip], null, 4, batchSize: 4));
        Assert.All(decoded, c => Assert.Equal([6, 18, 30, 42], c.FrameIndices));
        // Both bad files are in one batch; the error is the earlier one's, whichever decoder finished first.
        var error = Assert.ThrowsAny<SharpVL.SharpVLException>(() => VideoClips.DecodeAhead(VideoReader.Default, [clip, corrupt, clip, missing], null, 4, batchSize: 4).ToList());
        Assert.Contains(corrupt, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformSelectionTakesSegmentCentres()
    {
        var decoded = VideoClips.Decode(VideoReader.Default, TestPaths.Fixture("media/clip.mp4"), null, 4);
        Assert.Equal([6, 18, 30, 42], decoded.FrameIndices);
        Assert.Equal(96, decoded.Frames[0].Width);
    }
}
