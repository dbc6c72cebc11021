using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Pipelines;

/// <summary>A video file's frames as a pipeline feeds them to a model.</summary>
/// <param name="Path">The file.</param>
/// <param name="FrameIndices">Which frames were decoded.</param>
/// <param name="Frames">The decoded RGB frames, in <paramref name="FrameIndices"/> order.</param>
public sealed record DecodedClip(string Path, IReadOnlyList<int> FrameIndices, IReadOnlyList<RgbImage> Frames)
{
    /// <summary>The damage met while decoding (<see cref="DecodeReport.IsClean"/> for an intact stream).</summary>
    public DecodeReport Damage { get; init; } = DecodeReport.Clean;
}

/// <summary>Decoding of video files for the video pipelines: frame selection, and batches decoded ahead of the model.</summary>
public static class VideoClips
{
    /// <summary>
    /// Probes <paramref name="path"/>, selects <paramref name="numFrames"/> frames and decodes only those. When a damaged
    /// stream yields fewer frames than its container announced, a selection that follows the clip's length
    /// (<see cref="FrameSelection.FollowsLength"/>) chooses again among the frames that exist, and the clip's
    /// <see cref="DecodedClip.Damage"/> counts the missing ones; explicit indices beyond the real end fail.
    /// </summary>
    /// <exception cref="SharpVL.Processing.MediaException">The file cannot be read, no frame decodes, or (with
    /// <see cref="VideoReadOptions.Strict"/>) the stream is damaged.</exception>
    public static DecodedClip Decode(VideoReader reader, string path, FrameSelection? selection, int numFrames)
        => Decode(reader, path, selection, _ => numFrames);

    /// <summary>Like <see cref="Decode(VideoReader, string, FrameSelection?, int)"/> with the frame count depending on the clip's length.</summary>
    internal static DecodedClip Decode(VideoReader reader, string path, FrameSelection? selection, Func<int, int> framesFor)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var chosen = selection ?? FrameSelection.Uniform;
        var info = reader.Probe(path);
        var indices = chosen.Select(info.FrameCount, framesFor(info.FrameCount));
        try
        {
            var frames = reader.ReadFrames(info, indices);
            return new DecodedClip(path, indices, frames) { Damage = frames.Report };
        }
        catch (FramesUnavailableException e) when (chosen.FollowsLength && e.AvailableFrames > 0 && !reader.Options.Strict)
        {
            indices = chosen.Select(e.AvailableFrames, framesFor(e.AvailableFrames));
            var frames = reader.ReadFrames(info, indices);
            // The first pass ran to the end of the stream, so its report covers all the damage.
            return new DecodedClip(path, indices, frames) { Damage = e.Report with { MissingFrames = e.AnnouncedFrames - e.AvailableFrames } };
        }
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

        (IReadOnlyList<DecodedClip>, T) Work(string[] batch)
        {
            var clips = DecodeAll(reader, batch, selection, numFrames);
            return (clips, prepare(clips));
        }
    }

    /// <summary>
    /// Decodes a batch's files two at a time: much of a clip's cost is starting ffprobe and ffmpeg, which one process
    /// does on one core, so the first batch (which nothing overlaps) is ready sooner. The first failing file in order throws.
    /// </summary>
    private static DecodedClip[] DecodeAll(VideoReader reader, string[] paths, FrameSelection? selection, int numFrames)
    {
        var clips = new DecodedClip[paths.Length];
        var errors = new Exception?[paths.Length];
        Parallel.For(0, paths.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, Environment.ProcessorCount) }, i =>
        {
            try
            {
                clips[i] = Decode(reader, paths[i], selection, numFrames);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });
        if (Array.Find(errors, e => e is not null) is Exception first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        return clips;
    }
}
