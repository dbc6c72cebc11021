using System.Text.Json;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing;

/// <summary>
/// Cross-checks against data produced by Pillow 9.4.0 / numpy 1.24.2 themselves (Data/make_reference.py):
/// every resampling filter on L/RGB/RGBA, image decoding, and numpy's seeded randint / the docs' frame sampler.
/// </summary>
public class PillowReferenceTests
{
    private static string DataPath(string name) =>
        Path.GetFullPath(Path.Combine(FixtureFiles.FixturesDir, "..", "SharpVL.Tests", "Processing", "Data", name));

    private static JsonElement Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DataPath(name)));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void EveryFilterAndChannelCountMatchesPillowResize()
    {
        var cases = Load("pil_resize.json");
        int count = 0;
        var failures = new List<string>();
        foreach (var c in cases.EnumerateArray())
        {
            int h = c.GetProperty("h").GetInt32(), w = c.GetProperty("w").GetInt32(), ch = c.GetProperty("c").GetInt32();
            int th = c.GetProperty("th").GetInt32(), tw = c.GetProperty("tw").GetInt32();
            var filter = (PilResample)c.GetProperty("filter").GetInt32();
            var input = new RgbImage(w, h, Convert.FromBase64String(c.GetProperty("input").GetString()!), ch);
            var expected = Convert.FromBase64String(c.GetProperty("expected").GetString()!);

            var got = PilResampler.Resize(input, tw, th, filter);

            Assert.Equal((tw, th, ch), (got.Width, got.Height, got.Channels));
            if (!expected.AsSpan().SequenceEqual(got.Pixels))
            {
                int diff = expected.Zip(got.Pixels).Count(p => p.First != p.Second);
                failures.Add($"{filter} {ch}ch {w}x{h}->{tw}x{th}: {diff} bytes differ");
            }
            count++;
        }
        Assert.Equal(432, count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void LargeImagesThroughTheMultiThreadedPassesMatchPillow()
    {
        int count = 0;
        foreach (var c in Load("pil_resize_large.json").EnumerateArray())
        {
            int h = c.GetProperty("h").GetInt32(), w = c.GetProperty("w").GetInt32(), ch = c.GetProperty("c").GetInt32();
            var filter = (PilResample)c.GetProperty("filter").GetInt32();
            var got = PilResampler.Resize(FormulaImage(h, w, ch), c.GetProperty("tw").GetInt32(), c.GetProperty("th").GetInt32(), filter);
            string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(got.Pixels));
            Assert.True(hash == c.GetProperty("sha256").GetString(), $"{filter} {ch}ch {w}x{h}: output differs from Pillow");
            count++;
        }
        Assert.Equal(6, count);
    }

    /// <summary>make_reference.py's formula_image: (3x^2 + 5y + 77c + (x*y mod 31)) mod 256.</summary>
    private static RgbImage FormulaImage(int h, int w, int ch)
    {
        var p = new byte[h * w * ch];
        for (long y = 0; y < h; y++)
        {
            for (long x = 0; x < w; x++)
            {
                for (int c = 0; c < ch; c++)
                {
                    p[(y * w + x) * ch + c] = (byte)((3 * x * x + 5 * y + 77 * c + x * y % 31) % 256);
                }
            }
        }
        return new RgbImage(w, h, p, ch);
    }

    [Fact]
    public void DecodedImagesMatchPil()
    {
        var failures = new List<string>();
        foreach (var c in Load("pil_decode.json").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            string mode = c.GetProperty("mode").GetString()!;
            var image = ImageFile.Decode(Convert.FromBase64String(c.GetProperty("file").GetString()!), name);
            // PIL's P and LA images were compared after convert("RGB"); L/RGB/RGBA as decoded.
            if (mode is "P" or "LA")
            {
                image = ImageTransforms.ConvertToRgb(image);
            }
            var expected = Convert.FromBase64String(c.GetProperty("expected").GetString()!);
            Assert.Equal((c.GetProperty("w").GetInt32(), c.GetProperty("h").GetInt32()), (image.Width, image.Height));
            if (image.Channels != c.GetProperty("c").GetInt32())
            {
                failures.Add($"{name}: {image.Channels} channels, PIL mode {mode}");
            }
            else if (!expected.AsSpan().SequenceEqual(image.Pixels))
            {
                int maxDiff = expected.Zip(image.Pixels).Max(p => Math.Abs(p.First - p.Second));
                failures.Add($"{name}: pixels differ (max {maxDiff} levels)");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void NumpySeededDrawsMatch()
    {
        int count = 0;
        foreach (var c in Load("numpy_sampling.json").EnumerateArray())
        {
            uint seed = c.GetProperty("seed").GetUInt32();
            long[] expected = c.GetProperty("values").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            long[] got = c.GetProperty("kind").GetString() == "randint"
                ? new NumpyRandomState(seed).RandInt(c.GetProperty("low").GetInt64(), c.GetProperty("high").GetInt64(), expected.Length)
                : FrameSampling.SampleFrameIndices(
                    c.GetProperty("clip_len").GetInt32(), c.GetProperty("frame_sample_rate").GetInt32(),
                    c.GetProperty("seg_len").GetInt32(), new NumpyRandomState(seed));
            Assert.True(expected.SequenceEqual(got), $"{c}: got [{string.Join(", ", got)}]");
            count++;
        }
        Assert.Equal(60, count);
    }
}
