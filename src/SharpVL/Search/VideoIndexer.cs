using System.Collections.Concurrent;
using System.Diagnostics;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Search;

/// <summary>
/// Fills an index with the segments of video files. Incremental: a file whose size and modification time are as
/// recorded is skipped; one whose content hash is as recorded only gets its new time recorded; anything else is
/// (re-)indexed. A worker thread probes, decodes (one ffmpeg pass per video, only the frames the segments use),
/// makes thumbnails and preprocesses batches of segments while the model embeds the previous batch; each video is
/// written in one transaction as soon as its last segment is embedded, so a killed run loses at most the videos whose
/// segments were still in flight and never leaves one half-written. Files that cannot be read are reported and skipped.
/// </summary>
public sealed class VideoIndexer
{
    private readonly ISegmentEmbedder _embedder;
    private readonly IVideoIndexStore _store;
    private readonly VideoIndexerOptions _options;

    /// <summary>An indexer writing <paramref name="embedder"/>'s embeddings into <paramref name="store"/>.</summary>
    public VideoIndexer(ISegmentEmbedder embedder, IVideoIndexStore store, VideoIndexerOptions? options = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new VideoIndexerOptions();
        _options.Segmenting.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
    }

    /// <summary>Indexes <paramref name="files"/> (full paths; those outside this run's shard are left alone).</summary>
    /// <exception cref="SearchIndexException">The index belongs to another model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; finished videos stay stored.</exception>
    public IndexRunResult Run(IReadOnlyList<string> files, IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        _store.Initialize(_embedder.Model);
        var clock = Stopwatch.StartNew();
        var mine = files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Where(_options.Shard.Contains).ToList();
        var known = _store.Videos();
        var run = new RunState(mine.Count, clock, progress);

        using var queue = new BlockingCollection<WorkItem>(boundedCapacity: 3);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(mine, known, queue, run, stop.Token), stop.Token);
        try
        {
            Consume(queue, run, stop.Token);
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (producer.Exception is { } failure)
        {
            throw failure.InnerException!;
        }
        if (_options.Prune)
        {
            foreach (var path in known.Keys.Where(p => _options.Shard.Contains(p) && !File.Exists(p)))
            {
                if (_store.RemoveVideo(path))
                {
                    run.Finish(new IndexFileEvent(path, IndexOutcome.Removed), counts: false);
                }
            }
        }
        return new IndexRunResult(run.Events, mine.Count, files.Count - mine.Count, run.Segments, clock.Elapsed, run.DecodeSeconds, run.EmbedSeconds);
    }

    private void Consume(BlockingCollection<WorkItem> queue, RunState run, CancellationToken token)
    {
        var open = new Dictionary<VideoJob, List<SegmentRecord>>();
        foreach (var item in queue.GetConsumingEnumerable(token))
        {
            switch (item)
            {
                case VideoStarted started:
                    open[started.Job] = new List<SegmentRecord>(started.Job.Segments!.Count);
                    CommitIfComplete(started.Job, open, run);
                    break;
                case SegmentBatch batch:
                    var timer = Stopwatch.StartNew();
                    var embeddings = _embedder.EmbedSegments(batch.Pixels);
                    run.EmbedSeconds += timer.Elapsed.TotalSeconds;
                    for (int i = 0; i < batch.Segments.Count; i++)
                    {
                        var (job, segment, thumbnail) = batch.Segments[i];
                        if (open.TryGetValue(job, out var records))
                        {
                            records.Add(new SegmentRecord(segment, embeddings[i], thumbnail));
                        }
                    }
                    run.Segments += batch.Segments.Count;
                    foreach (var job in batch.Segments.Select(s => s.Job).Distinct())
                    {
                        CommitIfComplete(job, open, run);
                    }
                    break;
                case VideoDecoded decoded:
                    decoded.Job.Damage = decoded.Damage;
                    decoded.Job.Decoded = true;
                    CommitIfComplete(decoded.Job, open, run);
                    break;
                case VideoRestarted restarted:
                    open.Remove(restarted.Job);
                    break;
                case VideoFailed failed:
                    open.Remove(failed.Job);
                    run.Finish(new IndexFileEvent(failed.Job.Path, IndexOutcome.Failed, Error: failed.Error));
                    break;
                case VideoUnchanged unchanged:
                    if (unchanged.Touch is var (size, time))
                    {
                        _store.TouchVideo(unchanged.Path, size, time);
                    }
                    run.Finish(new IndexFileEvent(unchanged.Path, IndexOutcome.Unchanged));
                    break;
            }
        }
    }

    private void CommitIfComplete(VideoJob job, Dictionary<VideoJob, List<SegmentRecord>> open, RunState run)
    {
        // Stored only once the decoding pass has ended without error (damage found at its end fails a strict run).
        if (job.Decoded && open.TryGetValue(job, out var records) && records.Count == job.Segments!.Count)
        {
            open.Remove(job);
            _store.PutVideo(job.Record!, [.. records.OrderBy(r => r.Segment.Ordinal)]);
            run.Finish(new IndexFileEvent(job.Path, IndexOutcome.Indexed, records.Count, Damage: job.Damage is { IsClean: false } d ? d : null));
        }
    }

    private void Produce(List<string> paths, IReadOnlyDictionary<string, IndexedVideo> known, BlockingCollection<WorkItem> queue, RunState run, CancellationToken token)
    {
        var pending = new List<(VideoJob Job, VideoSegment Segment, byte[] Thumbnail, IReadOnlyList<RgbImage> Frames)>();
        var timer = new Stopwatch();
        try
        {
            foreach (var path in paths)
            {
                token.ThrowIfCancellationRequested();
                timer.Restart();
                var job = new VideoJob(path);
                try
                {
                    if (Unchanged(job, known) is { } unchanged)
                    {
                        queue.Add(unchanged, token);
                        continue;
                    }
                    var info = _options.Reader.Probe(path, token);
                    DecodeDamage damage;
                    try
                    {
                        damage = DecodeVideo(job, info, pending, queue, run, timer, token);
                    }
                    catch (FramesUnavailableException e) when (e.AvailableFrames > 0 && !_options.Reader.Options.Strict)
                    {
                        // A damaged stream shorter than its container announced: cut the frames that exist instead.
                        pending.RemoveAll(p => p.Job == job);
                        queue.Add(new VideoRestarted(job), token);
                        job = new VideoJob(path) { Record = job.Record };
                        damage = DecodeVideo(job, info with { FrameCount = e.AvailableFrames }, pending, queue, run, timer, token);
                        // The first pass ran to the end of the stream, so its report covers all the damage.
                        damage.Report = e.Report with { MissingFrames = e.AnnouncedFrames - e.AvailableFrames };
                    }
                    queue.Add(new VideoDecoded(job, damage.Report), token);
                }
                catch (Exception e) when (e is not (OperationCanceledException or FfmpegNotFoundException or OutOfMemoryException))
                {
                    pending.RemoveAll(p => p.Job == job);
                    queue.Add(new VideoFailed(job, e.Message), token);
                }
                run.DecodeSeconds += timer.Elapsed.TotalSeconds;
            }
            if (pending.Count > 0)
            {
                queue.Add(Batch(pending), token);
            }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    private SegmentBatch Batch(List<(VideoJob Job, VideoSegment Segment, byte[] Thumbnail, IReadOnlyList<RgbImage> Frames)> pending)
    {
        var batch = new SegmentBatch([.. pending.Select(p => (p.Job, p.Segment, p.Thumbnail))], _embedder.Preprocess([.. pending.Select(p => p.Frames)]));
        pending.Clear();
        return batch;
    }

    /// <summary>Null when the file must be indexed (and <paramref name="job"/> gets its record); otherwise what to report.</summary>
    private VideoUnchanged? Unchanged(VideoJob job, IReadOnlyDictionary<string, IndexedVideo> known)
    {
        var (size, modified) = FileFingerprint.Stat(job.Path);
        known.TryGetValue(job.Path, out var previous);
        bool sameCut = previous is not null && previous.Segmenting == _options.Segmenting;
        if (sameCut && previous!.Size == size && previous.ModifiedUtc == modified)
        {
            return new VideoUnchanged(job.Path, null);
        }
        var hash = FileFingerprint.ContentHash(job.Path);
        if (sameCut && previous!.ContentHash == hash)
        {
            return new VideoUnchanged(job.Path, (size, modified));
        }
        job.Record = new IndexedVideo(job.Path, size, modified, hash, 0, _options.Segmenting);
        return null;
    }

    /// <summary>Plans <paramref name="job"/>'s segments over <paramref name="info"/>, decodes them into batches and returns the damage met.</summary>
    private DecodeDamage DecodeVideo(
        VideoJob job, VideoInfo info, List<(VideoJob Job, VideoSegment Segment, byte[] Thumbnail, IReadOnlyList<RgbImage> Frames)> pending,
        BlockingCollection<WorkItem> queue, RunState run, Stopwatch timer, CancellationToken token)
    {
        job.Segments = SegmentPlanner.Plan(info, _options.Segmenting, _embedder.FramesPerSegment);
        job.Record = job.Record! with { DurationSeconds = job.Segments[^1].EndSeconds };
        queue.Add(new VideoStarted(job), token);
        var damage = new DecodeDamage();
        foreach (var ready in DecodeSegments(job, damage))
        {
            pending.Add(ready);
            if (pending.Count == _options.BatchSize)
            {
                run.DecodeSeconds += timer.Elapsed.TotalSeconds;
                queue.Add(Batch(pending), token);
                timer.Restart();
            }
        }
        return damage;
    }

    /// <summary>Streams the frames the segments need and yields each segment as soon as its last frame arrived.</summary>
    private IEnumerable<(VideoJob, VideoSegment, byte[], IReadOnlyList<RgbImage>)> DecodeSegments(VideoJob job, DecodeDamage damage)
    {
        var segments = job.Segments!;
        var wanted = segments.SelectMany(s => s.FrameIndices).ToHashSet();
        foreach (var s in segments)
        {
            wanted.Add(s.ThumbnailFrame);
        }
        var buffer = new Dictionary<int, RgbImage>();
        int next = 0;
        var pass = _options.Reader.StreamSelectedFrames(job.Path, wanted);
        foreach (var (index, frame) in pass)
        {
            buffer[index] = frame;
            while (next < segments.Count && segments[next].FrameIndices.Max() <= index)
            {
                var segment = segments[next++];
                var frames = segment.FrameIndices.Select(i => buffer[i]).ToList();
                yield return (job, segment, Thumbnails.EncodeJpeg(buffer[segment.ThumbnailFrame], _options.ThumbnailSize), frames);
                // Later segments start no earlier, so frames before the next one's first frame are done with.
                int keepFrom = next < segments.Count ? segments[next].FrameIndices.Min() : int.MaxValue;
                foreach (var old in buffer.Keys.Where(k => k < keepFrom).ToList())
                {
                    buffer.Remove(old);
                }
            }
        }
        if (next < segments.Count)
        {
            throw new InvalidDataException($"'{job.Path}': decoding ended before segment {next} of {segments.Count}.");
        }
        damage.Report = pass.Report ?? DecodeReport.Clean;
    }

    private sealed class VideoJob(string path)
    {
        public string Path { get; } = path;

        public IReadOnlyList<VideoSegment>? Segments { get; set; }

        public IndexedVideo? Record { get; set; }

        // Set by the consumer when the producer's VideoDecoded arrives.
        public bool Decoded { get; set; }

        public DecodeReport? Damage { get; set; }
    }

    /// <summary>The damage of one decoding pass, filled in when the pass ends.</summary>
    private sealed class DecodeDamage
    {
        public DecodeReport Report { get; set; } = DecodeReport.Clean;
    }

    private abstract record WorkItem;

    private sealed record VideoStarted(VideoJob Job) : WorkItem;

    private sealed record SegmentBatch(IReadOnlyList<(VideoJob Job, VideoSegment Segment, byte[] Thumbnail)> Segments, PixelValues Pixels) : WorkItem;

    private sealed record VideoFailed(VideoJob Job, string Error) : WorkItem;

    private sealed record VideoDecoded(VideoJob Job, DecodeReport Damage) : WorkItem;

    private sealed record VideoRestarted(VideoJob Job) : WorkItem;

    private sealed record VideoUnchanged(string Path, (long Size, DateTime Modified)? Touch) : WorkItem;

    private sealed class RunState(int total, Stopwatch clock, IProgress<IndexProgress>? progress)
    {
        private int _done;
        private int _indexed;

        public List<IndexFileEvent> Events { get; } = [];

        public long Segments { get; set; }

        // Written by the decode-ahead thread only, read after it finished.
        public double DecodeSeconds { get; set; }

        public double EmbedSeconds { get; set; }

        public void Finish(IndexFileEvent e, bool counts = true)
        {
            Events.Add(e);
            if (counts)
            {
                _done++;
                _indexed += e.Outcome == IndexOutcome.Indexed ? 1 : 0;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            TimeSpan? eta = _indexed > 0 && _done < total ? TimeSpan.FromSeconds(seconds / _done * (total - _done)) : null;
            progress?.Report(new IndexProgress(_done, total, Segments, seconds > 0 ? Segments / seconds : 0, eta, e));
        }
    }
}
