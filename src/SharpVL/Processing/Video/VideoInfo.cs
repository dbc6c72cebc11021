namespace SharpVL.Processing.Video;

/// <summary>What <see cref="VideoReader.Probe"/> learns about a file's first video stream.</summary>
/// <param name="Path">The probed file.</param>
/// <param name="FrameCount">Number of frames in the stream (from the container index, or counted by decoding when the container has none).</param>
/// <param name="FramesPerSecond">Average frame rate (<c>avg_frame_rate</c>, falling back to <c>r_frame_rate</c>); 0 when unknown.</param>
/// <param name="Width">Decoded frame width in pixels (before any rotation metadata, as PyAV returns frames).</param>
/// <param name="Height">Decoded frame height in pixels.</param>
/// <param name="Duration">Stream duration (the container's when the stream has none); <see cref="TimeSpan.Zero"/> when unknown.</param>
/// <param name="HasAudio">Whether the file also has an audio stream.</param>
/// <param name="Codec">The video codec name as ffprobe reports it (<c>h264</c>, <c>vp9</c>, ...).</param>
/// <param name="StreamIndex">The container's index of that stream (cover-art pictures are skipped).</param>
/// <param name="PixelFormat">The decoder's pixel format (<c>yuv420p</c>, <c>yuvj420p</c>, <c>yuv420p10le</c>, ...); it decides the
/// RGB conversion PyAV performs.</param>
/// <param name="Orientation">The display matrix: how frames must be turned to appear upright.</param>
public sealed record VideoInfo(
    string Path,
    int FrameCount,
    double FramesPerSecond,
    int Width,
    int Height,
    TimeSpan Duration,
    bool HasAudio,
    string Codec,
    int StreamIndex,
    string PixelFormat = "",
    DisplayOrientation? Orientation = null)
{
    /// <summary>Width of the frames a reader with <paramref name="autoRotate"/> returns.</summary>
    public int FrameWidth(bool autoRotate) => autoRotate && (Orientation?.SwapsAxes ?? false) ? Height : Width;

    /// <summary>Height of the frames a reader with <paramref name="autoRotate"/> returns.</summary>
    public int FrameHeight(bool autoRotate) => autoRotate && (Orientation?.SwapsAxes ?? false) ? Width : Height;
}
