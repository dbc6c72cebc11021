using System.Diagnostics;
using SharpVL.Models.VideoMAE;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using SharpVL.Processing.Video;

namespace SharpVL.Cli.Benchmarking;

/// <summary>The non-model rows of <c>sharpvl bench</c>: preprocessing and tokenizer throughput, load time and memory.</summary>
internal static class ExtraSections
{
    public static IEnumerable<BenchRow> Run(string[] sections, int repeats, Action<string> log)
    {
        if (sections.Contains("preprocess"))
        {
            foreach (var row in Preprocessing(repeats))
            {
                log($"{row.Name}: {row.Throughput}");
                yield return row;
            }
        }
        if (sections.Contains("tokenizer") && Tokenizer(repeats) is BenchRow tokens)
        {
            log($"{tokens.Name}: {tokens.Throughput}");
            yield return tokens;
        }
        if (sections.Contains("load"))
        {
            var load = Load();
            log($"{load.Name}: {load.MedianS:0.00} s, {load.Notes}");
            yield return load;
        }
    }

    private static IEnumerable<BenchRow> Preprocessing(int repeats)
    {
        var directory = Directory.CreateTempSubdirectory("sharpvl-bench-").FullName;
        try
        {
            var video = Path.Combine(directory, "clip_640x360.mp4");
            const int frameCount = 240;
            MakeClip(video, frameCount);
            var processor = new VideoMAEImageProcessor(ImageProcessingOptions.VideoMAEDefaults with
            {
                ImageMean = [0.485, 0.456, 0.406],
                ImageStd = [0.229, 0.224, 0.225],
            });
            IReadOnlyList<RgbImage> frames = [];
            var (decode, decodeMin, decodeMax) = Timing.Measure(() => frames = VideoReader.Default.ReadAllFrames(video), 1, repeats);
            yield return new BenchRow("decode 640x360 H.264 (rgb24)", "-", 0, decode, decodeMin, decodeMax, 0, null, $"{frameCount / decode:0} frames/s");
            var (process, processMin, processMax) = Timing.Measure(() =>
            {
                foreach (var chunk in frames.Chunk(16))
                {
                    _ = processor.PreprocessVideo(chunk);
                }
            }, 1, repeats);
            yield return new BenchRow("resize+crop+normalize to 224²", "float32", 0, process, processMin, processMax, 0, null, $"{frameCount / process:0} frames/s");
            var total = decode + process;
            yield return new BenchRow("decode+resize+normalize (sequential)", "float32", 0, total, decodeMin + processMin, decodeMax + processMax, 0, null,
                $"{frameCount / total:0} frames/s");
            // What a pipeline gets: ffmpeg decodes ahead in its own process while 16-frame clips are preprocessed.
            var (streamed, streamedMin, streamedMax) = Timing.Measure(() =>
            {
                foreach (var chunk in VideoReader.Default.StreamFrames(video).Chunk(16))
                {
                    _ = processor.PreprocessVideo(chunk);
                }
            }, 1, repeats);
            yield return new BenchRow("decode+resize+normalize (streamed, overlapped)", "float32", 0, streamed, streamedMin, streamedMax, 0, null,
                $"{frameCount / streamed:0} frames/s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static void MakeClip(string path, int frames)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-v", "error", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate=30", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", path })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ffmpeg");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not write the benchmark clip: {error}");
        }
    }

    private static BenchRow? Tokenizer(int repeats)
    {
        var vocabulary = FindUp(Path.Combine("tests", "fixtures", "models", "xclip-tiny"));
        if (vocabulary is null)
        {
            return null;
        }
        var tokenizer = CLIPTokenizer.FromPretrained(vocabulary);
        var random = new Random(1);
        string[] words = ["a", "man", "is", "playing", "guitar", "on", "the", "stage", "while", "people", "dance", "video", "of", "cat", "eating", "spaghetti", "riding", "bike", "in", "park"];
        var captions = Enumerable.Range(0, 10_000).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(5, 15)).Select(_ => words[random.Next(words.Length)]))).ToList();
        var options = new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true };
        var (median, min, max) = Timing.Measure(() => tokenizer.Encode(captions, options), 1, repeats);
        return new BenchRow("CLIP tokenizer, 10,000 captions", "-", 0, median, min, max, 0, null, $"{10_000 / median:0} captions/s");
    }

    private static BenchRow Load()
    {
        var directory = Directory.CreateTempSubdirectory("sharpvl-bench-load-").FullName;
        try
        {
            long weightBytes;
            using (var model = new VideoMAEForVideoClassification(new VideoMAEConfig { NumLabels = 400 }))
            {
                model.SavePretrained(directory);
                weightBytes = model.parameters().Sum(p => p.numel() * p.element_size());
            }
            // Measured in a fresh process: in this one, memory freed by earlier benchmarks is reused without RSS growth.
            var probe = LoadProbe.RunInChildProcess(directory);
            var seconds = probe.Seconds;
            var peak = probe.PeakBytes - probe.BaselineBytes;
            var notes = probe.PeakBytes > 0
                ? $"weights {weightBytes / 1048576.0:0} MiB, peak RSS growth {peak / 1048576.0:0} MiB ({(double)peak / weightBytes:0.00}x weights)"
                : $"weights {weightBytes / 1048576.0:0} MiB (peak RSS not measurable here)";
            return new BenchRow("load videomae-base (safetensors)", "float32", 0, seconds, seconds, seconds, 0, null, null, notes);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The nearest folder named <paramref name="relative"/> above the current directory (the repository's fixtures, tools).</summary>
    internal static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
