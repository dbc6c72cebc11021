using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing;

public class FrameSamplingTests
{
    [Fact]
    public void Mt19937MatchesTheReferenceOutputs()
    {
        // Matsumoto & Nishimura's reference: init_genrand(5489) starts 3499211612, 581869302, 3890346734.
        var reference = new NumpyRandomState(5489);
        Assert.Equal(3499211612u, reference.NextUInt32());
        Assert.Equal(581869302u, reference.NextUInt32());
        Assert.Equal(3890346734u, reference.NextUInt32());

        Assert.Equal(2357136044u, new NumpyRandomState(0).NextUInt32());
    }

    [Fact]
    public void RandIntMatchesNumpyLegacySeed0()
    {
        // np.random.seed(0); np.random.randint(0, 10, size=5) -> [5, 0, 3, 3, 7]
        // (mask 15 rejects the first two draws, 2357136044 & 15 = 12 and 2546248239 & 15 = 15).
        Assert.Equal(new long[] { 5, 0, 3, 3, 7 }, new NumpyRandomState(0).RandInt(0, 10, 5));
    }

    [Fact]
    public void RandIntEdgeRanges()
    {
        var r = new NumpyRandomState(0);
        Assert.Equal(7, r.RandInt(7, 8)); // rng == 0 draws nothing
        Assert.Equal(5, r.RandInt(0, 10)); // so the next draw is still the seed-0 sequence's first accepted value
        Assert.Throws<ArgumentException>(() => r.RandInt(3, 3));
        Assert.Equal(2357136044L - (1L << 31), new NumpyRandomState(0).RandInt(-(1L << 31), 1L << 31)); // full 32-bit range: raw output
    }

    [Fact]
    public void SampleFrameIndicesReproducesTheDocsHelper()
    {
        // seed 0: randint(8, 300) -> rng 291, mask 511, 2357136044 & 511 = 172 -> end 180, start 172;
        // linspace(172, 180, 8) clipped to 179.
        Assert.Equal(new long[] { 172, 173, 174, 175, 176, 177, 178, 179 }, FrameSampling.SampleFrameIndices(8, 1, 300, seed: 0));

        // seed 0: randint(16, 48) -> rng 31, mask 31, 2357136044 & 31 = 12 -> end 28, start 12;
        // linspace(12, 28, 4) = 12, 17.33, 22.67, 28 -> clip 27 -> int.
        Assert.Equal(new long[] { 12, 17, 22, 27 }, FrameSampling.SampleFrameIndices(4, 4, 48, seed: 0));
    }

    [Fact]
    public void SampleFrameIndicesRejectsShortVideos()
    {
        var e = Assert.Throws<ArgumentException>(() => FrameSampling.SampleFrameIndices(16, 4, 64, seed: 1));
        Assert.Contains("64 frames", e.Message);
    }

    [Fact]
    public void UniformTakesSegmentCentres()
    {
        Assert.Equal(new[] { 6, 18, 30, 42 }, FrameSampling.Uniform(48, 4));
        Assert.Equal(new[] { 0, 1, 1, 2 }, FrameSampling.Uniform(3, 4)); // floor(0.375), floor(1.125), floor(1.875), floor(2.625)
        Assert.Equal(new[] { 1, 5, 8 }, FrameSampling.Uniform(10, 3)); // floor(1.67), floor(5), floor(8.33)
    }

    [Fact]
    public void ExplicitValidatesIndices()
    {
        Assert.Equal(new[] { 3, 0, 3 }, FrameSampling.Explicit(4, [3, 0, 3]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FrameSampling.Explicit(4, [1, -1]));
        Assert.Contains("-1", e.Message);
    }
}
