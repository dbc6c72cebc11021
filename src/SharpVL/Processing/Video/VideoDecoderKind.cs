namespace SharpVL.Processing.Video;

/// <summary>Which processes decode a <see cref="VideoReader"/>'s videos. Both give the same frames, byte for byte.</summary>
public enum VideoDecoderKind
{
    /// <summary>
    /// The video worker when it was built for this machine and the reader uses the <c>ffmpeg</c>/<c>ffprobe</c> on PATH,
    /// else ffmpeg per file; the <c>SHARPVL_VIDEO_DECODER</c> environment variable (<c>worker</c>, <c>ffmpeg</c>) decides instead
    /// when it is set.
    /// </summary>
    Auto,

    /// <summary>
    /// <c>sharpvl-video-worker</c>: a long-lived child process linked against the system's libav libraries probes and
    /// decodes file after file (a few milliseconds of overhead per file instead of ~110 ms of CPU for starting ffprobe and
    /// ffmpeg). A crash on a hostile file ends the worker, not the application. Probing, selected frames and frame
    /// counting; whole-stream reads (<see cref="VideoReader.ReadAllFrames"/>, <see cref="VideoReader.StreamFrames"/>) still run ffmpeg.
    /// </summary>
    Worker,

    /// <summary>An <c>ffprobe</c> and an <c>ffmpeg</c> process per file (the executables the reader was given).</summary>
    FfmpegPerFile,
}
