using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Pipelines;

/// <summary>A video file's frames as a pipeline feeds them to a model.</summary>
/// <param name="Path">The file.</param>
/// <param name="FrameIndices">Which frames were decoded.</param>
/// <param name="Frames">The decoded RGB frames, in <paramref name="FrameIndices"/> order.</param>
public sealed record DecodedClip(string Path, IReadOnlyList<int> FrameIndices, IReadOnlyList<RgbImage> Frames);

/// <summary>Decoding of video files for the video pipelines: frame selection, and batches decoded ahead of the model.</summary>
public static class VideoClips
{
    /// <summary>Probes <paramref name="path"/>, selects <paramref name="numFrames"/> frames and decodes only those.</summary>
    public static DecodedClip Decode(VideoReader reader, string path, FrameSelection? selection, int numFrames)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var info = reader.Probe(path);
        var indices = (selection ?? FrameSelection.Uniform).Select(info.FrameCount, numFrames);
        return new DecodedClip(path, indices, reader.ReadFrames(path, indices));
    }

    /// <summary>
    /// Yields the files' clips <paramref name="batchSize"/> at a time, decoding the next batch on a worker thread while
    /// the caller runs the model on the current one, so the model does not wait for ffmpeg.
    /// </summary>
    public static IEnumerable<IReadOnlyList<DecodedClip>> DecodeAhead(
        VideoReader reader, IReadOnlyList<string> paths, FrameSelection? selection, int numFrames, int batchSize)
        => PrepareAhead(reader, paths, selection, numFrames, batchSize, clips => clips).Select(b => b.Clips);

    /// <summary>
    /// Like <see cref="DecodeAhead"/>, and also runs <paramref name="prepare"/> (e.g. the image processor) on the worker
    /// thread, so decoding and preprocessing of batch n+1 overlap the model's work on batch n.
    /// <paramref name="prepare"/> must not create tensors in a dispose scope (scopes are per thread).
    /// </summary>
    public static IEnumerable<(IReadOnlyList<DecodedClip> Clips, T Prepared)> PrepareAhead<T>(
        VideoReader reader, IReadOnlyList<string> paths, FrameSelection? selection, int numFrames, int batchSize,
        Func<IReadOnlyList<DecodedClip>, T> prepare)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Iterate();

        IEnumerable<(IReadOnlyList<DecodedClip> Clips, T Prepared)> Iterate()
        {
            var batches = paths.Chunk(batchSize).ToList();
            Task<(IReadOnlyList<DecodedClip>, T)>? next = null;
            for (var b = 0; b < batches.Count; b++)
            {
                var current = next?.GetAwaiter().GetResult() ?? Work(batches[b]);
                // Capture the batch itself: the loop variable moves on while the task runs.
                var upcoming = b + 1 < batches.Count ? batches[b + 1] : null;
                next = upcoming is null ? null : Task.Run(() => Work(upcoming));
                yield return current;
            }
        }

        (IReadOnlyList<DecodedClip>, T) Work(IEnumerable<string> batch)
        {
            var clips = batch.Select(p => Decode(reader, p, selection, numFrames)).ToList();
            return (clips, prepare(clips));
        }
    }
}
