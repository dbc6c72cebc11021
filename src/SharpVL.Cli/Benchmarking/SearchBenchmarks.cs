using System.Diagnostics;
using System.Globalization;
using SharpVL.Cli.Search;
using SharpVL.Modeling;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Search;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// The search rows of <c>sharpvl bench</c>: indexing throughput at the X-CLIP base-patch32 shape (random weights, decode
/// included), and query latency (p50/p99) and HNSW recall@10 on synthetic 512-d indexes in SQLite (exact) and pgvector.
/// </summary>
internal static class SearchBenchmarks
{
    private const int Dimension = 512;
    private const int Queries = 50;
    private const int PgliteMaxSize = 10_000;

    public static IEnumerable<BenchRow> Run(IReadOnlyList<ScalarType> dtypes, IReadOnlyList<int> sizes, string? postgres, Action<string> log)
    {
        foreach (var dtype in dtypes)
        {
            var row = Indexing(dtype);
            log($"{row.Name} {row.DType}: {row.Throughput} ({row.Notes})");
            yield return row;
        }
        PgliteServer? pglite = null;
        try
        {
            if (postgres is null && ExtraSections.FindUp(Path.Combine("tools", "pglite")) is { } tool && Directory.Exists(Path.Combine(tool, "node_modules")))
            {
                pglite = new PgliteServer(tool);
            }
            foreach (var size in sizes)
            {
                var vectors = new SyntheticVectors(size, seed: 7);
                foreach (var row in Queries_(new SqliteVideoIndexStore(TempDb()), "SQLite exact", vectors, exact: null))
                {
                    log($"{row.Name}: {row.Notes}");
                    yield return row;
                }
                var address = postgres ?? pglite?.NewDatabaseUrl();
                if (address is null)
                {
                    log("pgvector rows skipped: give --search-db postgresql://... or install tools/pglite (scripts/setup.sh)");
                    continue;
                }
                if (postgres is null && size > PgliteMaxSize)
                {
                    // PGlite is PostgreSQL in single-threaded WebAssembly: it inserts into HNSW at ~20 rows/s here.
                    log($"pgvector rows for {size:N0} segments skipped on PGlite (too slow to fill); give --search-db postgresql://... for a real server");
                    continue;
                }
                foreach (var row in Queries_(new PgvectorVideoIndexStore(address), postgres is null ? "pgvector HNSW (PGlite)" : "pgvector HNSW", vectors, exact: true))
                {
                    log($"{row.Name}: {row.Notes}");
                    yield return row;
                }
            }
        }
        finally
        {
            pglite?.Dispose();
        }
    }

    /// <summary>Index two 20 s 640x360 clips (18 segments of 8 frames) with a random-weight X-CLIP base-patch32.</summary>
    private static BenchRow Indexing(ScalarType dtype)
    {
        var directory = Directory.CreateTempSubdirectory("sharpvl-bench-index-").FullName;
        try
        {
            var clips = Enumerable.Range(0, 2).Select(i => Path.Combine(directory, $"clip{i}.mp4")).ToList();
            foreach (var clip in clips)
            {
                ExtraSections.MakeClip(clip, 600);
            }
            var tokenizerDirectory = ExtraSections.FindUp(Path.Combine("tests", "fixtures", "models", "xclip-tiny"))
                ?? throw new InvalidOperationException("The X-CLIP tokenizer files (tests/fixtures/models/xclip-tiny) were not found above the current folder.");
            var processor = EndToEnd.XClipBaseProcessor(tokenizerDirectory);
            var model = new XCLIPModel(new XCLIPConfig());
            model.Place(new ModelLoadOptions { DType = dtype });
            model.eval();
            using var embedder = new XCLIPSegmentEmbedder(model, processor, new IndexModel("bench/xclip-base-patch32", "random", IndexModel.XClipVideo, model.Config.ProjectionDim));
            // Warm-up: the first forward pays one-time kernel setup.
            embedder.EmbedSegments(embedder.Preprocess([Enumerable.Repeat(new RgbImage(224, 224, new byte[224 * 224 * 3]), embedder.FramesPerSegment).ToList()]));
            using var store = new SqliteVideoIndexStore(Path.Combine(directory, "index.db"));
            var result = new VideoIndexer(embedder, store).Run(clips);
            var seconds = result.Elapsed.TotalSeconds;
            return new BenchRow($"index 2 × 20 s 640x360 H.264 with xclip-base-patch32 ({result.SegmentsEmbedded} segments of 8 frames)",
                TorchRuntime(dtype), 8, seconds, seconds, seconds, 0, null,
                string.Create(CultureInfo.InvariantCulture, $"{result.SegmentsEmbedded / seconds:0.00} segments/s"),
                string.Create(CultureInfo.InvariantCulture,
                    $"decode+preprocess {result.DecodeSeconds:0.0} s (worker thread) vs model {result.EmbedSeconds:0.0} s: decoding {(result.DecodeSeconds < result.EmbedSeconds ? "is not" : "IS")} the bottleneck"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Fills <paramref name="store"/> with the vectors, then times top-10 queries; recall@10 against exact search when <paramref name="exact"/>.</summary>
    private static IEnumerable<BenchRow> Queries_(IVideoIndexStore store, string name, SyntheticVectors vectors, bool? exact)
    {
        using (store)
        {
            var fill = Stopwatch.StartNew();
            vectors.Fill(store);
            var fillSeconds = fill.Elapsed.TotalSeconds;
            var queries = vectors.Queries(Queries);
            store.Search(queries[0], 10);
            var latencies = new double[queries.Count];
            var approximate = new List<IReadOnlyList<SearchHit>>(queries.Count);
            for (int i = 0; i < queries.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                approximate.Add(store.Search(queries[i], 10));
                latencies[i] = watch.Elapsed.TotalSeconds;
            }
            Array.Sort(latencies);
            double p50 = latencies[latencies.Length / 2], p99 = latencies[(int)Math.Ceiling(0.99 * latencies.Length) - 1];
            string recall = "";
            if (exact == true)
            {
                double found = 0;
                for (int i = 0; i < queries.Count; i++)
                {
                    var truth = store.Search(queries[i], 10, SearchMode.Exact).Select(h => h.SegmentId).ToHashSet();
                    found += approximate[i].Count(h => truth.Contains(h.SegmentId));
                }
                recall = string.Create(CultureInfo.InvariantCulture, $", recall@10 vs exact {found / (10.0 * queries.Count):0.000}");
            }
            yield return new BenchRow(
                string.Create(CultureInfo.InvariantCulture, $"search top-10, {vectors.Count:N0} × {Dimension}-d segments, {name}"), "float32", 1,
                p50, latencies[0], latencies[^1], 0, null,
                string.Create(CultureInfo.InvariantCulture, $"p50 {p50 * 1000:0.0} ms, p99 {p99 * 1000:0.0} ms"),
                string.Create(CultureInfo.InvariantCulture, $"{Queries} queries; index filled in {fillSeconds:0} s{recall}"));
        }
    }

    private static string TorchRuntime(ScalarType dtype) => SharpVL.Runtime.TorchRuntime.DTypeName(dtype);

    private static string TempDb() => Path.Combine(Directory.CreateTempSubdirectory("sharpvl-bench-search-").FullName, "index.db");

    /// <summary>
    /// Synthetic segment embeddings shaped like a video collection: each video is a random direction and its 100
    /// segments lie around it (cosine ≈ 0.8 to the centre), as consecutive moments of one video do. Queries lie around
    /// random videos' directions. Uniformly random vectors would be a much harder (and unrealistic) case for HNSW.
    /// </summary>
    private sealed class SyntheticVectors(int count, int seed)
    {
        private const int SegmentsPerVideo = 100;
        private static readonly byte[] Thumbnail = [0xFF, 0xD8, 0xFF, 0xD9];

        public int Count { get; } = count;

        private int Videos => (Count + SegmentsPerVideo - 1) / SegmentsPerVideo;

        public void Fill(IVideoIndexStore store)
        {
            store.Initialize(new IndexModel("bench/synthetic", "seed-" + seed.ToString(CultureInfo.InvariantCulture), IndexModel.XClipVideo, Dimension));
            var random = new Random(seed);
            var options = new SegmentingOptions();
            for (int v = 0; v < Videos; v++)
            {
                int n = Math.Min(SegmentsPerVideo, Count - v * SegmentsPerVideo);
                var center = Center(v);
                var segments = Enumerable.Range(0, n).Select(i =>
                    new SegmentRecord(new VideoSegment(i, 2.0 * i, 2.0 * i + 4, [0], 0), Around(center, 0.75, random), Thumbnail)).ToList();
                store.PutVideo(new IndexedVideo($"/synthetic/video{v:000000}.mp4", 1, DateTime.UnixEpoch, "-", 2.0 * n + 2, options), segments);
            }
        }

        public List<float[]> Queries(int n)
        {
            var random = new Random(seed + 1);
            return [.. Enumerable.Range(0, n).Select(_ => Around(Center(random.Next(Videos)), 1.0, random))];
        }

        private float[] Center(int video) => Around(new float[Dimension], 1.0, new Random(unchecked((seed * 1_000_003) + video)));

        /// <summary><paramref name="center"/> plus Gaussian noise of about <paramref name="spread"/> in norm, normalised.</summary>
        private static float[] Around(float[] center, double spread, Random random)
        {
            var v = new float[Dimension];
            double scale = spread / Math.Sqrt(Dimension);
            for (int i = 0; i < v.Length; i++)
            {
                // Box–Muller: Gaussian coordinates.
                v[i] = center[i] + (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));
            for (int i = 0; i < v.Length; i++)
            {
                v[i] /= norm;
            }
            return v;
        }
    }
}
