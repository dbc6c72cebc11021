using SharpVL.Processing;
using SharpVL.Processing.Video;

namespace SharpVL.Tests.Processing.Video;

/// <summary>
/// The video worker (one long-lived sharpvl-video-worker process instead of ffprobe + ffmpeg per file) against ffmpeg per
/// file on every test clip: the same probe, the same frames byte for byte, the same damage; one worker serving file after
/// file; and a worker that crashes, stalls or is cancelled costing only its own file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VideoWorkerTests : IDisposable
{
    private static readonly VideoReader Worker = new() { Options = new VideoReadOptions { Decoder = VideoDecoderKind.Worker } };
    private static readonly VideoReader PerFile = new() { Options = new VideoReadOptions { Decoder = VideoDecoderKind.FfmpegPerFile } };
    private static readonly VideoReader WorkerUpright = new() { Options = new VideoReadOptions { Decoder = VideoDecoderKind.Worker, AutoRotate = true } };
    private static readonly VideoReader PerFileUpright = new() { Options = new VideoReadOptions { Decoder = VideoDecoderKind.FfmpegPerFile, AutoRotate = true } };

    private readonly string _scratch = Directory.CreateTempSubdirectory("sharpvl-worker-tests-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    public static TheoryData<string> Clips()
    {
        var clips = new TheoryData<string>();
        foreach (var name in ColorVideoData.Names)
        {
            clips.Add(ColorVideoData.PathOf(name));
        }
        foreach (var name in new[] { "clean.mp4", "damaged.mp4" })
        {
            clips.Add(DamagedVideoTests.PathOf(name));
        }
        clips.Add(FixtureFiles.PathOf("media/clip.mp4"));
        clips.Add(FixtureFiles.PathOf("media/clip_with_audio.mp4"));
        return clips;
    }

    [Fact]
    public void TheWorkerIsBuiltOnThisMachineAndIsTheAutomaticChoice()
    {
        Assert.NotNull(VideoWorkerPool.ProgramPath);
        Assert.Null(VideoWorkerPool.UnusableReason); // it starts, and links the libav libraries of the ffmpeg on PATH
        Assert.Equal(VideoDecoderKind.Worker, VideoReader.AutoDecoder);
        // A reader given its own executables runs those.
        Assert.Equal(VideoDecoderKind.FfmpegPerFile, VideoWorkerPool.Resolve(VideoDecoderKind.Auto, defaultExecutables: false));
    }

    [Theory]
    [MemberData(nameof(Clips))]
    public void ProbeFramesAndDamageEqualFfmpegPerFile(string path)
    {
        var expected = PerFile.Probe(path);
        var info = Worker.Probe(path);
        Assert.Equal(expected with { Orientation = null }, info with { Orientation = null });
        Assert.Equal(expected.Orientation?.Rotation, info.Orientation?.Rotation);
        Assert.Equal(expected.Orientation?.Filters ?? [], info.Orientation?.Filters ?? []);

        // First, middle, last and a repeat, out of order; upright too where the clip is turned. (The container of
        // damaged.mp4 announces one frame more than can be decoded: both readers must say so alike.)
        int last = path.EndsWith("damaged.mp4", StringComparison.Ordinal) ? info.FrameCount - 2 : info.FrameCount - 1;
        int[] indices = [last, 0, info.FrameCount / 2, 0];
        foreach (var (worker, perFile) in new[] { (Worker, PerFile), (WorkerUpright, PerFileUpright) })
        {
            var want = perFile.ReadFrames(path, indices);
            var got = worker.ReadFrames(path, indices);
            Assert.Equal(want.Select(ColorVideoData.Sha256), got.Select(ColorVideoData.Sha256));
            Assert.Equal(want.Select(f => (f.Width, f.Height)), got.Select(f => (f.Width, f.Height)));
            Assert.Equal(want.Report.Summary(), got.Report.Summary());
            Assert.Equal((want.Report.ErrorCount, want.Report.RejectedPackets, want.Report.CorruptFrames),
                (got.Report.ErrorCount, got.Report.RejectedPackets, got.Report.CorruptFrames));
        }
    }

    [Fact]
    public void TheDamagedClipsFailTheSameWay()
    {
        var path = DamagedVideoTests.PathOf("damaged.mp4");
        var missingWant = Assert.Throws<FramesUnavailableException>(() => PerFile.ReadFrames(path, [1, 47]));
        var missingGot = Assert.Throws<FramesUnavailableException>(() => Worker.ReadFrames(path, [1, 47]));
        Assert.Equal(missingWant.Message, missingGot.Message);
        Assert.Equal(47, missingGot.AvailableFrames);

        // Every packet rejected. The ffmpeg executable adds two complaints of its own about its filter set-up ("Cannot
        // determine format of input stream", "Error marking filters as finished") to the decoder's 336 errors.
        var undecodable = DamagedVideoTests.PathOf("undecodable.mp4");
        var noneWant = Assert.Throws<MediaException>(() => PerFile.ReadFrames(undecodable, [0]));
        var noneGot = Assert.Throws<MediaException>(() => Worker.ReadFrames(undecodable, [0]));
        Assert.StartsWith($"'{undecodable}': no video frame could be decoded (338 decode errors, 48 rejected packets", noneWant.Message);
        Assert.StartsWith($"'{undecodable}': no video frame could be decoded (336 decode errors, 48 rejected packets", noneGot.Message);
        Assert.IsNotType<FramesUnavailableException>(noneGot);
    }

    [Fact]
    public void OneWorkerServesFileAfterFile()
    {
        using var worker = VideoWorker.Start(VideoWorkerPool.ProgramPath!, TimeSpan.FromSeconds(60));
        var files = new[] { FixtureFiles.PathOf("media/clip.mp4"), ColorVideoData.PathOf("vp9_yuv444p_bt709_pc.webm"), FixtureFiles.PathOf("media/clip.mp4") };
        var hashes = new List<string>();
        foreach (var file in files)
        {
            var log = new FfmpegLog();
            Assert.Contains("\"streams\"", worker.Probe(file, MediaInput.Url(file), log, CancellationToken.None));
            (int Status, int Decoded) outcome = (-1, -1);
            var frames = worker.Decode(file, MediaInput.Url(file), "scale=flags=bilinear", 0, 1L << 26, [0, 2], log,
                (status, decoded) => outcome = (status, decoded), CancellationToken.None).ToList();
            Assert.Equal([0, 2], frames.Select(f => f.Index));
            Assert.Equal((0, 3), outcome); // decoding stops after the last frame asked for
            Assert.True(worker.Reusable);
            hashes.Add(ColorVideoData.Sha256(frames[0].Frame));
        }
        Assert.Equal(hashes[0], hashes[2]);
        Assert.NotEqual(hashes[0], hashes[1]);
        Assert.Null(worker.Probe("/no/such.mp4", MediaInput.Url("/no/such.mp4"), new FfmpegLog(), CancellationToken.None));
        Assert.True(worker.Reusable); // a file it cannot open is an answer, not a failure
    }

    [Fact]
    public void AWorkerThatCannotRunHereIsNotChosenAndSaysWhy()
    {
        // What the dynamic loader does with a worker built against other libav versions than this machine has.
        var stranded = Script("stranded-worker",
            "#!/bin/sh\necho 'sharpvl-video-worker: error while loading shared libraries: libavcodec.so.61: cannot open shared object file' >&2\nexit 127\n");

        var reason = VideoWorkerPool.Check(stranded);

        Assert.NotNull(reason);
        Assert.StartsWith($"the video worker ({stranded}) cannot run here: ", reason);
        Assert.Contains("libavcodec.so.61: cannot open shared object file", reason);
    }

    [Fact]
    public void AFrameSizeThatChangesMidStreamIsRefused()
    {
        // Two MPEG-TS pieces of different sizes, one after the other: one stream whose size changes after 10 frames.
        var path = Path.Combine(_scratch, "resized.ts");
        using (var output = File.Create(path))
        {
            foreach (var size in new[] { "64x48", "96x64" })
            {
                var piece = Path.Combine(_scratch, size + ".ts");
                VideoReaderTests.MakeVideo(piece, "libx264", frames: 10, size);
                using var input = File.OpenRead(piece);
                input.CopyTo(output);
            }
        }
        var info = Worker.Probe(path);
        Assert.Equal((64, 48, 20), (info.Width, info.Height, info.FrameCount)); // counted by the worker (TS announces no count)
        Assert.Equal(2, Worker.ReadFrames(path, [0, 9]).Count);

        var e = Assert.Throws<MediaException>(() => Worker.ReadFrames(path, [0, 12]));

        Assert.Equal($"'{path}': frame 12 is 96×64, not the 64×48 the stream announces (the frame size changes mid-stream).", e.Message);
    }

    [Fact]
    public void AWorkerWhoseDecoderMetDamageIsNotReused()
    {
        var damaged = DamagedVideoTests.PathOf("damaged.mp4");
        using var worker = VideoWorker.Start(VideoWorkerPool.ProgramPath!, TimeSpan.FromSeconds(60));

        var frames = worker.Decode(damaged, MediaInput.Url(damaged), "scale=flags=bilinear", 0, 1L << 26, [30], new FfmpegLog(),
            (_, _) => { }, CancellationToken.None).ToList();

        Assert.Single(frames);
        Assert.False(worker.Reusable);
    }

    [Fact]
    public void AWorkerThatCrashesCostsOnlyItsFile()
    {
        using var worker = ScriptedWorker("#!/bin/sh\nread request\nkill -SEGV $$\n", TimeSpan.FromSeconds(60));

        var e = Assert.Throws<MediaException>(() => ProbeClip(worker, CancellationToken.None));

        // It may die before or after it has taken the whole request: "ended before it could take" or "ended while decoding".
        Assert.StartsWith($"'{FixtureFiles.PathOf("media/clip.mp4")}': the video worker ended ", e.Message);
        Assert.Contains("(killed by signal 11)", e.Message);
        Assert.False(worker.Reusable);
        Assert.Equal(48, Worker.Probe(FixtureFiles.PathOf("media/clip.mp4")).FrameCount); // the pool's workers are untouched
    }

    [Fact]
    public void AStalledWorkerIsStoppedAfterTheStallTimeout()
    {
        using var worker = ScriptedWorker("#!/bin/sh\nexec sleep 300\n", TimeSpan.FromSeconds(1));

        var e = Assert.Throws<MediaException>(() => ProbeClip(worker, CancellationToken.None));

        Assert.Contains("produced nothing for 1 s and was stopped", e.Message);
        Assert.False(worker.Reusable);
    }

    [Fact]
    public void CancellingARequestStopsTheWorker()
    {
        using var worker = ScriptedWorker("#!/bin/sh\nexec sleep 300\n", TimeSpan.FromSeconds(60));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.ThrowsAny<OperationCanceledException>(() => ProbeClip(worker, cancel.Token));

        Assert.False(worker.Reusable);
    }

    [Fact]
    public void AnAbandonedPassLeavesItsWorkerOutOfThePool()
    {
        var clip = FixtureFiles.PathOf("media/clip.mp4");
        using var worker = VideoWorker.Start(VideoWorkerPool.ProgramPath!, TimeSpan.FromSeconds(60));

        var first = worker.Decode(clip, MediaInput.Url(clip), "scale=flags=bilinear", 0, 1L << 26, [0, 10, 20], new FfmpegLog(),
            (_, _) => { }, CancellationToken.None).First();

        Assert.Equal(0, first.Index);
        Assert.False(worker.Reusable); // its answer was not read to the end

        // Through the pool: a pass left after its first frame, then the same file read whole.
        using (var pass = Worker.StreamSelectedFrames(clip, [2, 40]).GetEnumerator())
        {
            Assert.True(pass.MoveNext());
            Assert.Equal(2, pass.Current.Index);
        }
        Assert.Equal(
            PerFile.ReadFrames(clip, [2, 40]).Select(ColorVideoData.Sha256),
            Worker.ReadFrames(clip, [2, 40]).Select(ColorVideoData.Sha256));
    }

    /// <summary>A "worker" that is a shell script (one that crashes, stalls, ...).</summary>
    private VideoWorker ScriptedWorker(string text, TimeSpan stallTimeout) =>
        VideoWorker.Start(Script($"worker-{Guid.NewGuid():N}", text), stallTimeout);

    private static string? ProbeClip(VideoWorker worker, CancellationToken cancellationToken)
    {
        var clip = FixtureFiles.PathOf("media/clip.mp4");
        return worker.Probe(clip, MediaInput.Url(clip), new FfmpegLog(), cancellationToken);
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}

/// <summary>The pool's reuse, measured by how many workers start: alone, so no other test's reads start workers meanwhile.</summary>
[Collection(nameof(VideoWorkerPoolCollection))]
public sealed class VideoWorkerPoolTests
{
    [Fact]
    public void FileAfterFileIsServedByOneWorker()
    {
        var reader = new VideoReader { Options = new VideoReadOptions { Decoder = VideoDecoderKind.Worker } };
        var clip = FixtureFiles.PathOf("media/clip.mp4");
        var other = ColorVideoData.PathOf("vp9_yuv444p_bt709_pc.webm");
        _ = reader.Probe(clip); // the first use checks the worker (a worker of its own, stopped afterwards)
        VideoWorkerPool.StopIdle();
        int before = VideoWorkerPool.Started;

        _ = reader.ReadFrames(clip, [0, 10]);
        _ = reader.ReadFrames(other, [1]);
        _ = reader.ReadFrames(clip, [5]);

        Assert.Equal(before + 1, VideoWorkerPool.Started); // probes and decodes of three reads, one process
    }
}

[CollectionDefinition(nameof(VideoWorkerPoolCollection), DisableParallelization = true)]
public sealed class VideoWorkerPoolCollection;
