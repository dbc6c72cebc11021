using SharpVL.Processing.Audio;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing.Video;

/// <summary>No file name is ever read by ffmpeg / ffprobe as an option, a protocol or a pipe.</summary>
public class VideoFileNameTests
{
    // Relative names in the working directory, as a user types them; {0} makes each unique.
    public static TheoryData<string> Names =>
    [
        "-report{0}.mp4",
        "-i{0}.mp4",
        "-",
        "-y",
        "with space {0}.mp4",
        "quote's \"double\" {0}.mp4",
        "colon:{0}.mp4",
        "concat:{0}.mp4|x.mp4",
        "pipe:1{0}",
        "http:{0}.mp4",
        "file:{0}.mp4",
        "ünïcødé 视频 {0}.mp4",
        "percent%d{0}.mp4",
        "semi;colon & amp $HOME `tick` {0}.mp4",
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void OddNamesDecodeLikeAnyOther(string pattern)
    {
        string name = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N"));
        File.Copy(FixtureFiles.PathOf("media/clip_with_audio.mp4"), name);
        try
        {
            var logsBefore = FfmpegReports();

            var info = VideoReader.Default.Probe(name);
            var frames = VideoReader.Default.ReadFrames(name, [3, 40]);
            var all = VideoReader.Default.ReadAllFrames(name);
            var audio = AudioTrackReader.Default.Read(name);

            Assert.Equal(48, info.FrameCount);
            Assert.Equal(all[3].Pixels, frames[0].Pixels);
            Assert.Equal(all[40].Pixels, frames[1].Pixels);
            Assert.Equal(89088, audio.Samples.Length);
            Assert.Equal(logsBefore, FfmpegReports());
        }
        finally
        {
            File.Delete(name);
        }
    }

    private static string[] FfmpegReports() =>
        [.. Directory.GetFiles(Environment.CurrentDirectory, "ff*-*.log").Order()];
}
