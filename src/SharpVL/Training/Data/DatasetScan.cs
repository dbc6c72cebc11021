using System.Collections.Concurrent;
using SharpVL.Processing.Video;

namespace SharpVL.Training.Data;

/// <summary>A video of a dataset that cannot be read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">Why (one line).</param>
public sealed record UnreadableVideo(string Path, string Problem);

/// <summary>Finds the videos of a dataset that cannot be decoded, before any training starts.</summary>
public static class DatasetScan
{
    /// <summary>
    /// Probes every video of <paramref name="data"/> (in parallel, one ffprobe per file) and returns those that are
    /// missing, not videos, have no frames, or (with <paramref name="requireAudio"/>) have no soundtrack, in dataset order.
    /// </summary>
    public static IReadOnlyList<UnreadableVideo> FindUnreadable(
        TrainingDataset data, VideoReader? reader = null, bool requireAudio = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        reader ??= VideoReader.Default;
        var problems = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var paths = data.Examples.Select(e => e.Path).Distinct(StringComparer.Ordinal).ToList();
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken }, path =>
        {
            if (!File.Exists(path))
            {
                problems[path] = "no such file";
                return;
            }
            try
            {
                var info = reader.Probe(path, cancellationToken);
                if (info.FrameCount < 1)
                {
                    problems[path] = "the video has no frames";
                }
                else if (requireAudio && !info.HasAudio)
                {
                    problems[path] = "no audio stream (TVLT trains on the video with its soundtrack)";
                }
            }
            catch (SharpVLException e)
            {
                problems[path] = e.Message;
            }
        });
        return [.. paths.Where(problems.ContainsKey).Select(p => new UnreadableVideo(p, problems[p]))];
    }
}
