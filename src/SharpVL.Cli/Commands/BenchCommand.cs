using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SharpVL.Cli.Benchmarking;
using SharpVL.Runtime;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl bench</c>: GEMM roofline, model forward latency, preprocessing, tokenizer and load figures.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var models = new Option<string?>("--models") { Description = "Comma-separated substrings selecting model rows (default: all)." };
        var dtypes = new Option<string>("--dtypes") { Description = "Comma-separated dtypes.", DefaultValueFactory = _ => "float32,bfloat16" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,8" };
        var repeats = Infrastructure.CliOptions.Int("--repeats", "Timed runs per configuration (after one warm-up; batches > 1 use half).", 5, 1);
        var only = new Option<string?>("--only") { Description = "Subset of sections: gemm,models,train,e2e,preprocess,tokenizer,load,search." };
        var searchSizes = new Option<string>("--search-sizes") { Description = "Synthetic index sizes for the search rows (1000000 takes long).", DefaultValueFactory = _ => "10000,100000" };
        var searchDb = new Option<string?>("--search-db") { Description = "PostgreSQL + pgvector for the search rows (default: PGlite from tools/pglite)." };
        var output = new Option<string?>("--output") { Description = "Also write the Markdown table to this file." };
        var json = CliSupport.JsonOption();
        var command = new Command("bench", "Measure this machine: GEMM roofline, forward latency at base model sizes, training step time and memory, preprocessing and tokenizer throughput, load time and memory, search indexing and query latency.")
        {
            models, dtypes, batches, repeats, only, searchSizes, searchDb, output, json,
        };
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var sections = (parse.GetValue(only) ?? "gemm,models,train,preprocess,tokenizer,load,search").Split(',', StringSplitOptions.TrimEntries);
            var dtypeList = parse.GetValue(dtypes)!.Split(',', StringSplitOptions.TrimEntries).Select(TorchRuntime.ParseDType).ToList();
            var batchList = parse.GetValue(batches)!.Split(',', StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
            var modelFilter = parse.GetValue(models)?.Split(',', StringSplitOptions.TrimEntries);
            var search = new SearchSettings(
                [.. parse.GetValue(searchSizes)!.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))], parse.GetValue(searchDb));
            var rows = Run(sections, dtypeList, batchList, modelFilter, parse.GetValue(repeats), parse.GetValue(json), search);
            var markdown = Markdown(rows);
            if (parse.GetValue(output) is string path)
            {
                SharpVL.AtomicFile.WriteAllText(path, markdown);
            }
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(rows.Select(ToJson), CliSupport.Json) : markdown);
            return 0;
        }));
        return command;
    }

    private sealed record SearchSettings(IReadOnlyList<int> Sizes, string? Postgres);

    private static List<BenchRow> Run(string[] sections, List<ScalarType> dtypes, List<int> batches, string[]? modelFilter, int repeats, bool quiet, SearchSettings search)
    {
        void Log(string message)
        {
            if (!quiet)
            {
                Console.Error.WriteLine(message);
            }
        }
        var rows = new List<BenchRow>();
        var roofline = new Dictionary<ScalarType, double>();
        Log($"threads: {get_num_threads()} (cores: {Environment.ProcessorCount}); float32 kernel: {Fp32Kernels.Name(Fp32Kernels.Current)}; " +
            $"attention: float32 {AttentionBackends.Name(AttentionBackends.For(ScalarType.Float32))}, bfloat16 {AttentionBackends.Name(AttentionBackends.For(ScalarType.BFloat16))}; " +
            $"video decoder: {EndToEnd.DecoderName}");
        if (sections.Contains("gemm") || sections.Contains("models"))
        {
            foreach (var dtype in dtypes)
            {
                var gemms = Roofline.MeasureAll(dtype, repeats, Log).ToList();
                rows.AddRange(gemms);
                roofline[dtype] = Roofline.Best(gemms, TorchRuntime.DTypeName(dtype));
                Log($"roofline {TorchRuntime.DTypeName(dtype)}: {roofline[dtype]:0} GFLOP/s (best exact GEMM of this run)");
                rows.AddRange(AttentionRates.MeasureAll(dtype, repeats, roofline[dtype], Log));
            }
        }
        if (sections.Contains("models"))
        {
            foreach (var benchmark in ModelBenchmarks.All.Where(m => modelFilter is null || modelFilter.Any(f => m.Name.Contains(f, StringComparison.OrdinalIgnoreCase))))
            {
                foreach (var dtype in dtypes)
                {
                    foreach (var batch in batches)
                    {
                        using var prepared = benchmark.Prepare(dtype, batch);
                        // float32 rows: one per exact kernel, side by side in this run (only the forced one when
                        // --fp32-kernel or SHARPVL_FP32_KERNEL names one); other dtypes always run their products on
                        // libtorch. Each with every attention backend that runs the dtype (or the forced one).
                        IReadOnlyList<Fp32Kernel?> kernels = dtype != ScalarType.Float32 ? [null]
                            : Fp32Kernels.Override is Fp32Kernel forced ? [forced] : [.. Fp32Kernels.Available.Select(k => (Fp32Kernel?)k)];
                        IReadOnlyList<AttentionBackend> attentions = AttentionBackends.Override is AttentionBackend forcedAttention
                            ? [forcedAttention]
                            : [.. Enum.GetValues<AttentionBackend>().Where(a => AttentionBackends.IsAvailable(a, dtype)).Reverse()];
                        foreach (var kernel in kernels)
                        {
                            foreach (var attention in attentions)
                            {
                                rows.Add(MeasureModel(benchmark.Name, prepared, dtype, batch, kernel, attention, repeats, roofline, Log));
                            }
                        }
                    }
                }
            }
        }
        if (sections.Contains("train"))
        {
            rows.AddRange(TrainingBenchmarks.Run(dtypes, modelFilter, repeats, Log));
        }
        if (sections.Contains("e2e"))
        {
            (string Model, Func<ScalarType, BenchRow> Measure)[] folders = [("videomae", EndToEnd.ClassifyFolder), ("xclip", EndToEnd.ZeroShotFolder)];
            foreach (var (model, measure) in folders.Where(f => modelFilter is null || modelFilter.Any(m => f.Model.Contains(m, StringComparison.OrdinalIgnoreCase))))
            {
                foreach (var dtype in dtypes)
                {
                    var row = measure(dtype);
                    rows.Add(row);
                    Log($"{row.Name} {row.DType} [{row.Backend}]: {row.Throughput} ({row.Notes})");
                }
            }
        }
        foreach (var extra in ExtraSections.Run(sections, repeats, Log))
        {
            rows.Add(extra);
        }
        if (sections.Contains("search"))
        {
            rows.AddRange(SearchBenchmarks.Run(dtypes, search.Sizes, search.Postgres, Log));
        }
        return rows;
    }

    /// <summary>One model row: the forward timed with <paramref name="kernel"/> for float32 products and <paramref name="attention"/>.</summary>
    private static BenchRow MeasureModel(
        string name, PreparedForward prepared, ScalarType dtype, int batch, Fp32Kernel? kernel, AttentionBackend attention, int repeats,
        Dictionary<ScalarType, double> roofline, Action<string> log)
    {
        var previousKernel = Fp32Kernels.Override;
        var previousAttention = AttentionBackends.Override;
        if (kernel is not null)
        {
            Fp32Kernels.Force(kernel);
        }
        AttentionBackends.Force(attention);
        try
        {
            var (median, min, max) = Timing.Measure(prepared.Run, warmup: 1, repeats: batch > 1 ? Math.Max(1, repeats / 2) : repeats);
            var fraction = roofline.TryGetValue(dtype, out var peak) && peak > 0 ? prepared.Gflops / median / peak : (double?)null;
            var row = new BenchRow(name, TorchRuntime.DTypeName(dtype), batch, median, min, max, prepared.Gflops, fraction)
            {
                Backend = kernel is Fp32Kernel k ? Fp32Kernels.Name(k) : "libtorch",
                Attention = AttentionBackends.Name(attention),
            };
            log($"{row.Name} {row.DType} b{batch} [{row.Backend}, {row.Attention} attention]: {median:0.000} s ({row.GflopsPerSecond:0} GFLOP/s, {fraction:P0} of roofline)");
            return row;
        }
        finally
        {
            Fp32Kernels.Force(previousKernel);
            AttentionBackends.Force(previousAttention);
        }
    }

    /// <summary>A row as <c>--json</c> writes it.</summary>
    internal static object ToJson(BenchRow row) => new
    {
        name = row.Name,
        dtype = row.DType,
        backend = row.Backend,
        attention = row.Attention,
        batch = row.Batch,
        median_s = row.MedianS,
        min_s = row.MinS,
        max_s = row.MaxS,
        gflops = row.Gflops,
        gflops_per_s = row.GflopsPerSecond,
        roofline_fraction = row.RooflineFraction,
        throughput = row.Throughput,
        notes = row.Notes,
        e2e_videos_per_s = row.EndToEnd?.VideosPerSecond,
        model_videos_per_s = row.EndToEnd?.ModelVideosPerSecond,
        e2e_fraction = row.EndToEnd?.Fraction,
        e2e_decoder = row.EndToEnd?.Decoder,
    };

    private static string Markdown(IEnumerable<BenchRow> rows)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("| benchmark | dtype | backend | attention | batch | median s | min–max s | GFLOP | GFLOP/s | roofline | throughput | notes |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(culture, $"| {row.Name} | {row.DType} | {row.Backend} | {row.Attention} | {(row.Batch > 0 ? row.Batch.ToString(culture) : "")} | {row.MedianS:0.0000} | " +
                $"{row.MinS:0.0000}–{row.MaxS:0.0000} | {(row.Gflops > 0 ? row.Gflops.ToString("0.0", culture) : "")} | " +
                $"{(row.Gflops > 0 ? row.GflopsPerSecond.ToString("0", culture) : "")} | {(row.RooflineFraction is double f ? f.ToString("P0", culture) : "")} | " +
                $"{row.Throughput} | {row.Notes} |");
        }
        return text.ToString();
    }
}
