using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Search;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl index inputs... --model id [--db path-or-url] [--shard i/N] [--segment-seconds 4] [--stride-seconds 2] [--prune]</c>:
/// embeds the segments of every video into a search index, incrementally.
/// </summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Video files, folders (walked recursively), patterns, @list.txt or - (stdin).", Arity = ArgumentArity.OneOrMore };
        var model = new ModelOptions("X-CLIP (video embeddings) or AltCLIP (keyframe embeddings) directory or Hub id.");
        var db = SearchOptions.Db();
        var shard = new Option<string?>("--shard") { Description = "Index only share i of N (i from 0) of the files, by a stable hash of the path, e.g. 0/4." };
        var segmentSeconds = new Option<double>("--segment-seconds") { Description = "Length of each segment.", DefaultValueFactory = _ => 4 };
        var strideSeconds = new Option<double>("--stride-seconds") { Description = "Time between segment starts.", DefaultValueFactory = _ => 2 };
        var batchSize = new Option<int>("--batch-size") { Description = "Segments per forward pass.", DefaultValueFactory = _ => 8 };
        var prune = new Option<bool>("--prune") { Description = "Remove indexed videos (of this shard) whose files no longer exist." };
        var json = CliSupport.JsonOption();
        var command = new Command("index", "Embed the segments of videos into a search index (incremental: unchanged files are skipped).")
        {
            inputs, db, shard, segmentSeconds, strideSeconds, batchSize, prune, json,
        };
        model.AddTo(command);
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var quiet = parse.GetValue(json);
            var options = new VideoIndexerOptions
            {
                Segmenting = new SegmentingOptions { SegmentSeconds = parse.GetValue(segmentSeconds), StrideSeconds = parse.GetValue(strideSeconds) },
                BatchSize = parse.GetValue(batchSize),
                Shard = parse.GetValue(shard) is string s ? ShardSpec.Parse(s) : ShardSpec.All,
                Prune = parse.GetValue(prune),
                Reader = decoding.Reader(parse),
            };
            options.Segmenting.Validate();
            var expanded = new InputExpander(MediaKind.Video, "zero-shot-image").Expand(parse.GetValue(inputs)!);
            using var store = VideoIndexStores.Open(parse.GetValue(db));
            using var embedder = model.Load(parse, null, SegmentEmbedders.Load);
            var indexer = new VideoIndexer(embedder, store, options);
            var run = Run(indexer, expanded.Files, quiet);
            // Inputs that named no file are failures of the run like unreadable files.
            var result = run with { Files = [.. run.Files, .. expanded.Problems.Select(p => new IndexFileEvent(p.Input, IndexOutcome.Failed, Error: p.Message))] };
            var stats = store.Stats();
            foreach (var damaged in result.Damaged)
            {
                Console.Error.WriteLine($"warning: {damaged.Path}: {DamageWarning(damaged)}");
            }
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    db = store.Name,
                    model = embedder.Model.Id,
                    revision = embedder.Model.Revision,
                    shard = options.Shard.ToString(),
                    files_in_shard = result.FilesInShard,
                    files_outside_shard = result.FilesOutsideShard,
                    indexed = result.Count(IndexOutcome.Indexed),
                    unchanged = result.Count(IndexOutcome.Unchanged),
                    removed = result.Count(IndexOutcome.Removed),
                    failed = result.Failures.Select(f => new { path = f.Path, error = f.Error }),
                    warnings = result.Damaged.Select(f => new { path = f.Path, warning = DamageWarning(f) }),
                    segments_embedded = result.SegmentsEmbedded,
                    seconds = result.Elapsed.TotalSeconds,
                    index_videos = stats.Videos,
                    index_segments = stats.Segments,
                }, CliSupport.Json));
            }
            else
            {
                Print(result, stats, store.Name);
            }
            return result.Failures.Count == 0 ? ExitCodes.Success
                : result.Count(IndexOutcome.Indexed) + result.Count(IndexOutcome.Unchanged) > 0 ? ExitCodes.SomeFailed : ExitCodes.Fatal;
        }));
        return command;
    }

    private static IndexRunResult Run(VideoIndexer indexer, IReadOnlyList<string> files, bool quiet)
    {
        if (quiet)
        {
            return indexer.Run(files);
        }
        if (!Terminal.StderrInteractive)
        {
            // Logs and pipes get one line per file as it finishes.
            return indexer.Run(files, new LineProgress());
        }
        var console = Terminal.CreateStderr();
        IndexRunResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("indexing", maxValue: Math.Max(1, files.Count));
                result = indexer.Run(files, new Progress<IndexProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.FilesTotal);
                    task.Value = p.FilesDone;
                    var eta = p.Eta is TimeSpan t ? FormattableString.Invariant($", ETA {t:hh\\:mm\\:ss}") : "";
                    task.Description = FormattableString.Invariant($"{p.FilesDone}/{p.FilesTotal} videos, {p.SegmentsEmbedded} segments, {p.SegmentsPerSecond:0.0} seg/s{eta}");
                }));
            });
        return result!;
    }

    private static string DamageWarning(IndexFileEvent file) =>
        $"damaged video stream: {file.Damage!.Summary()}; indexed the frames that decode (--strict makes this an error).";

    private static void Print(IndexRunResult result, IndexStats stats, string name)
    {
        var others = result.FilesOutsideShard > 0 ? FormattableString.Invariant($" ({result.FilesOutsideShard} files belong to other shards)") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{result.Count(IndexOutcome.Indexed)} indexed, {result.Count(IndexOutcome.Unchanged)} unchanged, {result.Count(IndexOutcome.Removed)} removed, {result.Failures.Count} failed; {result.SegmentsEmbedded} segments in {result.Elapsed.TotalSeconds:0.0} s{others}"));
        Console.WriteLine($"index {name}: {stats.Videos} videos, {stats.Segments} segments");
        if (result.Failures.Count > 0)
        {
            Console.Error.WriteLine("could not index:");
            foreach (var failure in result.Failures)
            {
                Console.Error.WriteLine($"  {failure.Path}: {failure.Error}");
            }
        }
    }

    private sealed class LineProgress : IProgress<IndexProgress>
    {
        public void Report(IndexProgress value)
        {
            var e = value.Last;
            var what = e.Outcome switch
            {
                IndexOutcome.Indexed => $"indexed {e.Path} ({e.Segments} segments)",
                IndexOutcome.Unchanged => $"unchanged {e.Path}",
                IndexOutcome.Removed => $"removed {e.Path}",
                _ => $"failed {e.Path}",
            };
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{value.FilesDone}/{value.FilesTotal}] {what}"));
        }
    }
}
