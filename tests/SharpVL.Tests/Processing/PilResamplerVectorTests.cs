using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing;

/// <summary>
/// The SIMD resampling kernels against the scalar reference loops (which PillowReferenceTests pins to Pillow itself):
/// odd widths leave vector tails, and random or black/white-striped pixels drive the sharp filters' negative lobes
/// past both clip bounds. On an AVX-512 machine, running with DOTNET_EnableAVX512=0 checks the AVX2 kernels instead.
/// </summary>
public class PilResamplerVectorTests
{
    public static TheoryData<PilResample, int> FiltersAndChannels()
    {
        var data = new TheoryData<PilResample, int>();
        foreach (var filter in new[] { PilResample.Box, PilResample.Bilinear, PilResample.Hamming, PilResample.Bicubic, PilResample.Lanczos })
        {
            foreach (int channels in new[] { 1, 3, 4 })
            {
                data.Add(filter, channels);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FiltersAndChannels))]
    public void VectorisedResizeEqualsScalarByteForByte(PilResample filter, int channels)
    {
        var random = new Random(1234 + ((int)filter * 10) + channels);
        (int W, int H)[] sources = [(97, 53), (640, 360), (33, 71), (5, 3)];
        (int W, int H)[] targets = [(398, 224), (61, 29), (150, 83), (17, 101), (3, 2), (1, 1), (201, 53)];
        foreach (var (w, h) in sources)
        {
            foreach (var image in new[] { Random(random, w, h, channels), Stripes(w, h, channels) })
            {
                foreach (var (tw, th) in targets)
                {
                    var scalar = PilResampler.Resize(image, tw, th, filter, vectorize: false);
                    var vector = PilResampler.Resize(image, tw, th, filter, vectorize: true);
                    Assert.True(scalar.Pixels.AsSpan().SequenceEqual(vector.Pixels), $"{filter} {channels}ch {w}x{h} -> {tw}x{th}: first difference at byte {FirstDifference(scalar.Pixels, vector.Pixels)}");
                }
            }
        }
    }

    [Fact]
    public void ScalarPathStillMatchesAKnownValue()
    {
        // Guards the reference loops themselves: the same hand-computed halving as PilResamplerTests, scalar only.
        var image = new RgbImage(4, 1, [0, 80, 160, 240], 1);
        Assert.Equal(new byte[] { 57, 183 }, PilResampler.Resize(image, 2, 1, PilResample.Bilinear, vectorize: false).Pixels);
    }

    private static RgbImage Random(Random random, int w, int h, int channels)
    {
        var pixels = new byte[w * h * channels];
        random.NextBytes(pixels);
        return new RgbImage(w, h, pixels, channels);
    }

    private static RgbImage Stripes(int w, int h, int channels)
    {
        var pixels = new byte[w * h * channels];
        for (int i = 0; i < pixels.Length; i++)
        {
            int x = i / channels % w, y = i / channels / w;
            pixels[i] = ((x / 2) + y + (i % channels)) % 2 == 0 ? (byte)0 : (byte)255;
        }
        return new RgbImage(w, h, pixels, channels);
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }
        return n;
    }
}
