using System.Diagnostics;
using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing;

/// <summary>Decoding through the system ffmpeg (must be installed: apt-get install ffmpeg).</summary>
public class VideoReaderTests
{
    private static readonly Lazy<RawTensor> ExpectedFrames =
        new(() => FixtureFiles.ReadSafetensors("media/clip_frames.safetensors")["frames"]);

    private static byte[] ExpectedFrame(int index)
    {
        const int frameBytes = 72 * 96 * 3;
        return ExpectedFrames.Value.Bytes.AsSpan(index * frameBytes, frameBytes).ToArray();
    }

    [Theory]
    [InlineData("decode_clip_mp4")]
    [InlineData("decode_clip_with_audio_video")]
    public void AllFramesMatchPyAvExactly(string caseName)
    {
        var c = FixtureFiles.ManifestCase(caseName);
        var frames = VideoReader.Default.ReadAllFrames(FixtureFiles.PathOf(c.GetProperty("file").GetString()!));

        Assert.Equal(new long[] { 48, 72, 96, 3 }, ExpectedFrames.Value.Shape);
        Assert.Equal(c.GetProperty("frames").GetInt32(), frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(96, frames[i].Width);
            Assert.Equal(72, frames[i].Height);
            Assert.True(ExpectedFrame(i).AsSpan().SequenceEqual(frames[i].Pixels), $"frame {i} differs");
        }
    }

    [Fact]
    public void SelectedFramesComeBackInRequestedOrderWithRepeats()
    {
        int[] indices = [40, 4, 16, 28, 4, 47, 0];
        var frames = VideoReader.Default.ReadFrames(FixtureFiles.PathOf("media/clip_with_audio.mp4"), indices);

        Assert.Equal(indices.Length, frames.Count);
        for (int i = 0; i < indices.Length; i++)
        {
            Assert.True(ExpectedFrame(indices[i]).AsSpan().SequenceEqual(frames[i].Pixels), $"position {i} (frame {indices[i]}) differs");
        }
        Assert.NotSame(frames[1].Pixels, frames[4].Pixels);
    }

    [Fact]
    public void ProbeReportsStreamFacts()
    {
        var info = VideoReader.Default.Probe(FixtureFiles.PathOf("media/clip_with_audio.mp4"));
        Assert.Equal(48, info.FrameCount);
        Assert.Equal(24.0, info.FramesPerSecond);
        Assert.Equal(96, info.Width);
        Assert.Equal(72, info.Height);
        Assert.Equal(2.0, info.Duration.TotalSeconds, 3);
        Assert.True(info.HasAudio);
        Assert.Equal("h264", info.Codec);
        Assert.Equal(0, info.StreamIndex);

        Assert.False(VideoReader.Default.Probe(FixtureFiles.PathOf("media/clip.mp4")).HasAudio);
    }

    [Theory]
    [InlineData("pipeline_videomae_classification_from_mp4")]
    [InlineData("pipeline_xclip_from_mp4")]
    public void PipelineFramesFeedTheProcessorLikePython(string caseName)
    {
        var c = FixtureFiles.ManifestCase(caseName);
        int[] indices = c.GetProperty("frame_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var frames = VideoReader.Default.ReadFrames(FixtureFiles.PathOf(c.GetProperty("file").GetString()!), indices);
        var processor = VideoMAEImageProcessor.FromPretrained(FixtureFiles.PathOf(c.GetProperty("processor").GetString()!));

        var values = processor.PreprocessVideo(frames);

        var expected = FixtureFiles.ReadSafetensors(c.GetProperty("expected").GetString()!)["pixel_values"];
        Assert.Equal(expected.Shape, values.Shape);
        FixtureFiles.AssertClose(expected.AsFloat32(), values.Data, 1e-5, 0, caseName + " pixel_values");
    }

    [Theory]
    [InlineData("webm", "libvpx-vp9")]
    [InlineData("avi", "mpeg4")]
    public void OtherContainersDecodeThroughTheSamePath(string extension, string codec)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "test." + extension);
        MakeVideo(path, codec, frames: 12, size: "64x48");

        var info = VideoReader.Default.Probe(path);
        Assert.Equal(12, info.FrameCount);
        Assert.Equal((64, 48), (info.Width, info.Height));
        Assert.Equal(10.0, info.FramesPerSecond, 6);

        var all = VideoReader.Default.ReadAllFrames(path);
        Assert.Equal(12, all.Count);
        var some = VideoReader.Default.ReadFrames(path, [11, 3, 4, 5]);
        Assert.Equal(all[11].Pixels, some[0].Pixels);
        Assert.Equal(all[3].Pixels, some[1].Pixels);
        Assert.Equal(all[5].Pixels, some[3].Pixels);
        Assert.NotEqual(all[3].Pixels, all[4].Pixels);
    }

    [Fact]
    public void ManyIndicesAreStreamedInsteadOfSelected()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "long.avi");
        MakeVideo(path, "mpeg4", frames: 300, size: "32x24");
        var all = VideoReader.Default.ReadAllFrames(path);
        int[] indices = Enumerable.Range(0, 280).Select(i => 299 - i).ToArray();

        var some = VideoReader.Default.ReadFrames(path, indices);

        Assert.Equal(300, all.Count);
        for (int i = 0; i < indices.Length; i++)
        {
            Assert.Equal(all[indices[i]].Pixels, some[i].Pixels);
        }
    }

    [Fact]
    public void OutOfRangeIndexNamesTheIndex()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            VideoReader.Default.ReadFrames(FixtureFiles.PathOf("media/clip.mp4"), [0, 48]));
        Assert.Contains("48", e.Message);
        Assert.Contains("0..47", e.Message);
    }

    [Fact]
    public void MissingFileIsAMediaErrorNamingTheFile()
    {
        var e = Assert.Throws<MediaException>(() => VideoReader.Default.Probe("/no/such/video.mp4"));
        Assert.Equal("'/no/such/video.mp4': video file does not exist.", e.Message);
        Assert.Equal("/no/such/video.mp4", e.FilePath);
    }

    [Fact]
    public void CorruptFileIsAMediaErrorNamingTheFile()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "broken.mp4");
        File.WriteAllBytes(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 31 % 251)).ToArray());

        var e = Assert.Throws<MediaException>(() => VideoReader.Default.ReadAllFrames(path));
        Assert.Contains("broken.mp4", e.Message);
    }

    [Fact]
    public void AudioOnlyFileHasNoVideoStream()
    {
        var e = Assert.Throws<MediaException>(() => VideoReader.Default.Probe(FixtureFiles.PathOf("media/tone.wav")));
        Assert.Contains("no video stream", e.Message);
    }

    [Fact]
    public void MissingFfmpegSaysHowToInstallIt()
    {
        var reader = new VideoReader("/nonexistent/ffmpeg", "/nonexistent/ffprobe");
        var e = Assert.Throws<FfmpegNotFoundException>(() => reader.Probe(FixtureFiles.PathOf("media/clip.mp4")));
        Assert.Contains("apt-get install ffmpeg", e.Message);
        Assert.Equal("/nonexistent/ffprobe", e.Executable);
    }

    internal static void MakeVideo(string path, string codec, int frames, string size)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
        {
            "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=10",
            "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", codec, "-pix_fmt", "yuv420p", path,
        })
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg could not make the test video: " + err);
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = TestScratch.CreateDirectory("sharpvl-test-").FullName;
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
