using System.Security.Cryptography;
using System.Text.Json;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Processing.Video;

/// <summary>The clips of Processing/Data/ColorVideos and what PyAV 10 decoded from them (see make_color_videos.py there).</summary>
public static class ColorVideoData
{
    public static string Directory { get; } = Path.Combine(TestPaths.RepoRoot, "tests", "SharpVL.Tests", "Processing", "Data", "ColorVideos");

    private static readonly Lazy<Dictionary<string, JsonElement>> Clips = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json")));
        return doc.RootElement.GetProperty("clips").EnumerateArray().ToDictionary(c => c.GetProperty("file").GetString()!, c => c.Clone());
    });

    public static IEnumerable<string> Names => Clips.Value.Keys;

    public static JsonElement Clip(string file) => Clips.Value[file];

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static string Sha256(RgbImage frame) => Convert.ToHexStringLower(SHA256.HashData(frame.Pixels));

    /// <summary>Asserts the frames equal PyAV's byte for byte; a failure says by how much the channel sums differ.</summary>
    public static void AssertPyAvFrames(string file, IReadOnlyList<RgbImage> frames)
    {
        var clip = Clip(file);
        var expected = clip.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(expected.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(clip.GetProperty("width").GetInt32(), frames[i].Width);
            Assert.Equal(clip.GetProperty("height").GetInt32(), frames[i].Height);
            if (Sha256(frames[i]) == expected[i].GetProperty("sha256").GetString())
            {
                continue;
            }
            var sums = expected[i].GetProperty("channel_sums").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var got = new long[3];
            for (int p = 0; p < frames[i].Pixels.Length; p++)
            {
                got[p % 3] += frames[i].Pixels[p];
            }
            Assert.Fail($"{file} ({clip.GetProperty("pix_fmt").GetString()}, {clip.GetProperty("color_space").GetString()}/" +
                $"{clip.GetProperty("color_range").GetString()}) frame {i} differs from PyAV: channel sums {string.Join(",", got)} vs {string.Join(",", sums)}");
        }
    }
}
