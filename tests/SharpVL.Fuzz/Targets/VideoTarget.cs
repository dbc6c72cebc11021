using SharpVL.Processing.Video;

namespace SharpVL.Fuzz.Targets;

/// <summary>
/// Video files through the video worker (one long-lived sharpvl-video-worker process): probe, then the first, middle and
/// last frames, and a streamed pass. Containers and codecs of the committed test clips: MP4/H.264 (damaged too), HEVC,
/// Matroska/FFV1, AV1, WebM/VP9, MPEG-TS/MPEG-2, AVI/MJPEG and MPEG-4, QuickTime/ProRes.
/// </summary>
internal sealed class VideoTarget : FuzzTarget
{
    private const string FileName = "video";

    /// <summary>The seeds: small clips, one per container/codec family.</summary>
    private static readonly string[] Clips =
    [
        "tests/fixtures/media/clip.mp4",
        "tests/SharpVL.Tests/Processing/Data/DamagedVideos/damaged.mp4",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/rotate_90.mp4",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/hevc_yuv420p_bt709_tv.mp4",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/ffv1_gray_bt709.mkv",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/av1_yuv420p_bt709_tv.mkv",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/vp9_yuv420p_bt709_tv_odd.webm",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/mpeg2_yuv420p_bt709_tv.ts",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/mjpeg_yuvj422p.avi",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/mpeg4_yuv420p_untagged.avi",
        "tests/SharpVL.Tests/Processing/Data/ColorVideos/prores_yuv422p10le_bt709_tv.mov",
    ];

    /// <summary>Bounds that keep one input within the campaign's memory limit (1 GiB): a header may claim any size.</summary>
    private static readonly VideoReader Reader = new()
    {
        Options = new VideoReadOptions
        {
            Decoder = VideoDecoderKind.Worker,
            MaxFramePixels = 2048L * 2048,
            MaxBufferedBytes = 128L << 20,
            StallTimeout = TimeSpan.FromSeconds(10),
        },
    };

    public override string Name => "video";

    public override string Description => "VideoReader with the video worker (probe, selected frames, a streamed pass) over 11 containers/codecs";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) =>
        [.. Clips.Select(clip => new FuzzCase(new Dictionary<string, byte[]> { [FileName] = Fixture(repositoryRoot, clip) }))];

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        var path = Path.Combine(directory, FileName);
        yield return ("VideoReader.ReadFrames (worker)", () =>
        {
            var info = Reader.Probe(path);
            int last = info.FrameCount - 1;
            _ = Reader.ReadFrames(info, [0, last / 2, last]);
        });
        yield return ("VideoReader.StreamSelectedFrames (worker)", () =>
        {
            var info = Reader.Probe(path);
            foreach (var (_, frame) in Reader.StreamSelectedFrames(path, [0, info.FrameCount - 1]))
            {
                _ = frame.Pixels.Length;
            }
        });
    }
}
