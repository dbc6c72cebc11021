using System.Diagnostics;
using SharpVL.Search;

namespace SharpVL.Tests.Search;

/// <summary>
/// The behaviour every index store must have, run against each store: SQLite (<see cref="SqliteVideoIndexTests"/>) and
/// PostgreSQL + pgvector (<see cref="PgvectorVideoIndexTests"/>). The media are 5 short videos (9 segments at the default
/// 4 s windows every 2 s): bars 6 s → 2, pattern 3 s → 1, mandelbrot 5 s → 2, nested/life 7 s → 3, nested/blue.webm 2 s → 1.
/// </summary>
public abstract class VideoIndexContractTests(SearchFixture fixture)
{
    protected const string Query = "a colorful test pattern";

    protected SearchFixture Fixture { get; } = fixture;

    /// <summary>The address of a new, empty index.</summary>
    protected abstract string NewDb();

    [Fact]
    public void SearchScoresEqualDirectModelCosinesInRankOrder()
    {
        var media = SearchFixture.CopyMedia();
        using var store = VideoIndexStores.Open(NewDb());
        var result = Index(store, media);
        Assert.Equal(5, result.Count(IndexOutcome.Indexed));
        Assert.Equal(9, result.SegmentsEmbedded);
        Assert.Equal(new IndexStats(5, 9), store.Stats());

        foreach (var mode in new[] { SearchMode.Default, SearchMode.Exact })
        {
            using var searcher = new VideoSearcher(store, Fixture.Embedder);
            var hits = searcher.Search(Query, 20, mode);
            Assert.Equal(9, hits.Count);
            var segments = hits.Select(h => store.GetSegment(h.SegmentId)!).ToList();
            var expected = SearchFixture.DirectCosines(Query, [.. segments.Select(s => (s.Path, s.FrameIndices))]);
            for (int i = 0; i < hits.Count; i++)
            {
                Assert.Equal(expected[i], hits[i].Score, 4);
            }
            // Ranked best first, exactly as the direct cosines order them.
            Assert.Equal(expected.OrderByDescending(x => x), expected);
        }

        var bars = Segments(store, Path.Combine(media, "bars.mp4"));
        Assert.Equal([(0.0, 4.0), (2.0, 6.0)], bars.Select(s => (s.StartSeconds, s.EndSeconds)));
        // 8 fps: frames 0..31 and 16..47, four centres of equal parts of each window.
        Assert.Equal([4, 12, 20, 28], bars[0].FrameIndices);
        Assert.Equal([20, 28, 36, 44], bars[1].FrameIndices);
        Assert.Equal([(0.0, 4.0), (2.0, 6.0), (3.0, 7.0)],
            Segments(store, Path.Combine(media, "nested", "life.mp4")).Select(s => (s.StartSeconds, s.EndSeconds)));
        var thumbnail = bars[0].ThumbnailJpeg;
        Assert.True(thumbnail.Length > 100 && thumbnail[0] == 0xFF && thumbnail[1] == 0xD8, "thumbnails are JPEG files");
    }

    [Fact]
    public void AnIndexRefusesAnotherModelOrDimension()
    {
        using var store = VideoIndexStores.Open(NewDb());
        var model = Fixture.Embedder.Model;
        store.Initialize(model);
        store.Initialize(model);
        var other = Assert.Throws<SearchIndexException>(() => store.Initialize(model with { Id = "microsoft/xclip-base-patch32", Revision = new string('a', 40) }));
        Assert.Contains("refusing to mix", other.Message, StringComparison.Ordinal);
        var wider = Assert.Throws<SearchIndexException>(() => store.Initialize(model with { Dimension = model.Dimension * 2 }));
        Assert.Contains("cannot be mixed", wider.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RerunsSkipUnchangedFilesAndReindexChangedOnes()
    {
        var media = SearchFixture.CopyMedia();
        using var store = VideoIndexStores.Open(NewDb());
        Index(store, media);

        var again = Index(store, media);
        Assert.Equal(5, again.Count(IndexOutcome.Unchanged));
        Assert.Equal(0, again.SegmentsEmbedded);

        // A new modification time with the same content: the hash says unchanged; the new time is recorded.
        var pattern = Path.Combine(media, "pattern.mp4");
        File.SetLastWriteTimeUtc(pattern, DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(5, Index(store, media).Count(IndexOutcome.Unchanged));
        Assert.Equal(File.GetLastWriteTimeUtc(pattern), store.Videos()[pattern].ModifiedUtc);

        // New content under the same name: re-indexed, and its old segment is gone.
        File.Copy(Path.Combine(media, "bars.mp4"), pattern, overwrite: true);
        var changed = Index(store, media);
        Assert.Equal([pattern], changed.Files.Where(f => f.Outcome == IndexOutcome.Indexed).Select(f => f.Path));
        Assert.Equal(2, changed.SegmentsEmbedded);
        Assert.Equal(new IndexStats(5, 10), store.Stats());
        using var searcher = new VideoSearcher(store, Fixture.Embedder);
        var hits = searcher.Search(Query, 20, SearchMode.Exact);
        var barsScores = hits.Where(h => h.Path.EndsWith("bars.mp4", StringComparison.Ordinal)).Select(h => (double)h.Score).Order().ToList();
        var patternScores = hits.Where(h => h.Path == pattern).Select(h => (double)h.Score).Order().ToList();
        // The same clip embedded in another batch: equal up to float32 summation order (the GEMM kernel may block by
        // batch size).
        Assert.Equal(barsScores.Count, patternScores.Count);
        Assert.All(barsScores.Zip(patternScores), pair => Assert.Equal(pair.First, pair.Second, 1e-6));

        // Other segment lengths re-cut every file.
        var recut = Index(store, media, new VideoIndexerOptions { Segmenting = new SegmentingOptions { SegmentSeconds = 2, StrideSeconds = 1 } });
        Assert.Equal(5, recut.Count(IndexOutcome.Indexed));
    }

    [Fact]
    public void ShardsSplitTheFilesAndTogetherFillOneIndex()
    {
        var media = SearchFixture.CopyMedia();
        var files = SearchFixture.Videos(media);
        using var full = VideoIndexStores.Open(NewDb());
        Index(full, media);

        var shared = NewDb();
        var seen = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            // Each worker opens the shared index on its own, as separate machines would.
            using var worker = VideoIndexStores.Open(shared);
            var result = Index(worker, media, new VideoIndexerOptions { Shard = new ShardSpec(i, 2) });
            Assert.Equal(5, result.FilesInShard + result.FilesOutsideShard);
            Assert.All(result.Files, f => Assert.Equal(i, (int)(ShardSpec.StableHash(f.Path) % 2)));
            seen.AddRange(result.Files.Select(f => f.Path));
        }
        Assert.Equal(files, seen.Order(StringComparer.Ordinal));
        using var merged = VideoIndexStores.Open(shared);
        Assert.Equal(full.Stats(), merged.Stats());
        var expected = Summaries(full.Search(Fixture.Embedder.EmbedTexts([Query])[0], 20, SearchMode.Exact));
        var actual = Summaries(merged.Search(Fixture.Embedder.EmbedTexts([Query])[0], 20, SearchMode.Exact));
        Assert.Equal(expected.Select(e => (e.Path, e.Start)), actual.Select(a => (a.Path, a.Start)));
        Assert.Equal(expected.Select(e => e.Score), actual.Select(a => a.Score), new ScoreComparer());
    }

    [Fact]
    public void PruneRemovesDeletedFilesOnlyWhenAsked()
    {
        var media = SearchFixture.CopyMedia();
        using var store = VideoIndexStores.Open(NewDb());
        Index(store, media);
        var life = Path.Combine(media, "nested", "life.mp4");
        File.Delete(life);
        var kept = Index(store, media);
        Assert.Equal(4, kept.Count(IndexOutcome.Unchanged));
        Assert.Equal(new IndexStats(5, 9), store.Stats());

        var pruned = Index(store, media, new VideoIndexerOptions { Prune = true });
        Assert.Equal([life], pruned.Files.Where(f => f.Outcome == IndexOutcome.Removed).Select(f => f.Path));
        Assert.Equal(new IndexStats(4, 6), store.Stats());
        Assert.DoesNotContain(life, store.Videos().Keys);
    }

    [Fact]
    public void UnreadableFilesAreListedAndTheRunGoesOn()
    {
        var media = SearchFixture.CopyMedia();
        var broken = Path.Combine(media, "broken.mp4");
        File.WriteAllBytes(broken, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))]);
        using var store = VideoIndexStores.Open(NewDb());
        var result = Index(store, media);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(broken, failure.Path);
        Assert.Contains("broken.mp4", failure.Error, StringComparison.Ordinal);
        Assert.Equal(new IndexStats(5, 9), store.Stats());
    }

    [Fact]
    public void ACancelledRunKeepsOnlyWholeVideosAndAResumedRunFinishes()
    {
        var media = SearchFixture.CopyMedia();
        var db = NewDb();
        using (var store = VideoIndexStores.Open(db))
        {
            using var cancel = new CancellationTokenSource();
            var indexer = new VideoIndexer(Fixture.Embedder, store, new VideoIndexerOptions { BatchSize = 1 });
            Assert.ThrowsAny<OperationCanceledException>(() => indexer.Run(SearchFixture.Videos(media), new CancelOnFirstIndexed(cancel), cancel.Token));
            var partial = store.Videos();
            Assert.InRange(partial.Count, 1, 4);
            AssertWholeVideos(store);
        }
        using (var store = VideoIndexStores.Open(db))
        {
            var resumed = Index(store, media);
            Assert.True(resumed.Count(IndexOutcome.Indexed) >= 1);
            Assert.Equal(5, resumed.Count(IndexOutcome.Indexed) + resumed.Count(IndexOutcome.Unchanged));
            Assert.Equal(new IndexStats(5, 9), store.Stats());
            AssertWholeVideos(store);
        }
    }

    [Fact]
    public void AKilledIndexProcessLeavesNoHalfVideoAndResumes()
    {
        var media = SearchFixture.CopyMedia();
        var db = NewDb();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = TestPaths.RepoRoot };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "SharpVL.Cli.dll"), "index", media, "--model", SearchFixture.ModelDirectory, "--db", db, "--batch-size", "1" })
        {
            start.ArgumentList.Add(argument);
        }
        using (var process = Process.Start(start)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            string? line;
            while ((line = process.StandardError.ReadLine()) is not null && !line.Contains("] indexed ", StringComparison.Ordinal))
            {
            }
            Assert.NotNull(line);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        using var store = VideoIndexStores.Open(db);
        Assert.InRange(store.Videos().Count, 1, 4);
        AssertWholeVideos(store);
        var resumed = Index(store, media);
        Assert.True(resumed.Count(IndexOutcome.Indexed) >= 1, "the kill came before the end of the run");
        Assert.Equal(new IndexStats(5, 9), store.Stats());
        AssertWholeVideos(store);
    }

    protected IndexRunResult Index(IVideoIndexStore store, string media, VideoIndexerOptions? options = null) =>
        new VideoIndexer(Fixture.Embedder, store, options).Run(SearchFixture.Videos(media));

    protected static List<(string Path, double Start, double Score)> Summaries(IEnumerable<SearchHit> hits) =>
        [.. hits.Select(h => (h.Path, h.StartSeconds, h.Score))];

    private static List<StoredSegment> Segments(IVideoIndexStore store, string path)
    {
        var all = new List<StoredSegment>();
        for (long id = 1; id < 1000 && all.Count < store.Stats().Segments; id++)
        {
            if (store.GetSegment(id) is { } s)
            {
                all.Add(s);
            }
        }
        return [.. all.Where(s => s.Path == path).OrderBy(s => s.StartSeconds)];
    }

    /// <summary>Every stored video has exactly the segments its duration calls for.</summary>
    private void AssertWholeVideos(IVideoIndexStore store)
    {
        var expected = new Dictionary<string, int> { ["bars.mp4"] = 2, ["pattern.mp4"] = 1, ["mandelbrot.mp4"] = 2, ["life.mp4"] = 3, ["blue.webm"] = 1 };
        var query = Fixture.Embedder.EmbedTexts([Query])[0];
        var counts = store.Search(query, 100, SearchMode.Exact).GroupBy(h => Path.GetFileName(h.Path)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var path in store.Videos().Keys)
        {
            Assert.Equal(expected[Path.GetFileName(path)], counts.GetValueOrDefault(Path.GetFileName(path)));
        }
        Assert.Equal(store.Videos().Count, counts.Count);
    }

    private sealed class CancelOnFirstIndexed(CancellationTokenSource cancel) : IProgress<IndexProgress>
    {
        public void Report(IndexProgress value)
        {
            if (value.Last.Outcome == IndexOutcome.Indexed)
            {
                cancel.Cancel();
            }
        }
    }

    protected sealed class ScoreComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-5;

        public int GetHashCode(double obj) => 0;
    }
}

public sealed class SqliteVideoIndexTests(SearchFixture fixture) : VideoIndexContractTests(fixture), IClassFixture<SearchFixture>
{
    protected override string NewDb() => Path.Combine(TestScratch.CreateDirectory("sharpvl-index-").FullName, "index.db");

    [Fact]
    public void StreamedAndCachedExactSearchAgreeAndTheCacheSeesOtherWriters()
    {
        var media = SearchFixture.CopyMedia();
        var db = NewDb();
        using var cached = new SqliteVideoIndexStore(db);
        using var streamed = new SqliteVideoIndexStore(db) { CacheBudgetBytes = 0 };
        Index(cached, media);
        var query = Fixture.Embedder.EmbedTexts([Query])[0];
        var fromCache = Summaries(cached.Search(query, 9));
        Assert.Equal(9, fromCache.Count);
        Assert.Equal(fromCache, Summaries(streamed.Search(query, 9)));

        // Another store (another process, in effect) removes a video: the cached store must not answer from stale memory.
        Assert.True(streamed.RemoveVideo(Path.Combine(media, "bars.mp4")));
        var after = Summaries(cached.Search(query, 9));
        Assert.Equal(7, after.Count);
        Assert.DoesNotContain(after, h => h.Path.EndsWith("bars.mp4", StringComparison.Ordinal));
    }
}

[Collection("pgvector")]
public sealed class PgvectorVideoIndexTests(SearchFixture fixture, PgvectorServerFixture server) : VideoIndexContractTests(fixture), IClassFixture<SearchFixture>
{
    protected override string NewDb() => server.NewDatabaseUrl();

    [Fact]
    public void ExactResultsEqualTheSqliteIndex()
    {
        var media = SearchFixture.CopyMedia();
        using var sqlite = VideoIndexStores.Open(Path.Combine(TestScratch.CreateDirectory("sharpvl-index-").FullName, "index.db"));
        using var pgvector = VideoIndexStores.Open(NewDb());
        Index(sqlite, media);
        Index(pgvector, media);
        var query = Fixture.Embedder.EmbedTexts([Query])[0];
        var expected = Summaries(sqlite.Search(query, 5));
        foreach (var mode in new[] { SearchMode.Exact, SearchMode.Default })
        {
            var actual = Summaries(pgvector.Search(query, 5, mode));
            Assert.Equal(expected.Select(e => (e.Path, e.Start)), actual.Select(a => (a.Path, a.Start)));
            Assert.Equal(expected.Select(e => e.Score), actual.Select(a => a.Score), new ScoreComparer());
        }
    }
}
