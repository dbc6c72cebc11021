using System.Diagnostics;
using System.Globalization;
using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// End-to-end throughput of the folder pipelines behind <c>sharpvl classify</c> (VideoMAE) and <c>sharpvl zero-shot</c>
/// (X-CLIP) over a folder of videos — decode, sampling, preprocessing and the model, batch 8, the next batch decoded and
/// preprocessed while the model runs — next to the model alone on a preprocessed batch: how much of the model's
/// throughput a folder run keeps.
/// </summary>
/// <remarks>
/// The folder holds six batches: the first batch is decoded before the model has anything to run (nothing overlaps it),
/// which a two-batch folder would weigh as half the run; six batches are closer to the folders people classify.
/// </remarks>
internal static class EndToEnd
{
    private const int Batch = 8;
    private const int Videos = 6 * Batch;

    /// <summary>The decoder the folder rows use (<see cref="SharpVL.Processing.Video.VideoReader.AutoDecoder"/>): worker or ffmpeg per file.</summary>
    internal static string DecoderName => SharpVL.Processing.Video.VideoReader.AutoDecoder == SharpVL.Processing.Video.VideoDecoderKind.Worker
        ? "worker"
        : "ffmpeg per file";

    /// <summary>The candidate labels of the zero-shot row.</summary>
    internal static readonly string[] CandidateLabels =
        ["playing guitar", "riding a bike", "cooking", "dancing", "swimming", "playing soccer", "reading a book", "walking a dog"];

    /// <summary>The classify row: random-weight videomae-base (Kinetics-400 head) over 48 generated clips.</summary>
    public static BenchRow ClassifyFolder(ScalarType dtype) => OverClips(files =>
    {
        var model = new VideoMAEForVideoClassification(new VideoMAEConfig { NumLabels = 400 });
        Place(model, dtype);
        using var pipeline = new VideoClassificationPipeline(model, new VideoMAEImageProcessor(ImageProcessingOptions.VideoMAEDefaults with
        {
            ImageMean = [0.485, 0.456, 0.406],
            ImageStd = [0.229, 0.224, 0.225],
        }), ownsModel: true);
        return Classify($"classify folder end-to-end (videomae-base, {Videos} videos, batch {Batch})", dtype, pipeline, files, Batch);
    });

    /// <summary>The zero-shot row: random-weight xclip-base-patch32 (CLIP tokenizer) over 48 generated clips and 8 labels.</summary>
    public static BenchRow ZeroShotFolder(ScalarType dtype) => OverClips(files =>
    {
        var tokenizer = ExtraSections.FindUp(Path.Combine("tests", "fixtures", "models", "xclip-tiny"))
            ?? throw new InvalidOperationException("The X-CLIP tokenizer files (tests/fixtures/models/xclip-tiny) were not found above the current folder.");
        var model = new XCLIPModel(new XCLIPConfig());
        Place(model, dtype);
        using var pipeline = new ZeroShotVideoClassificationPipeline(model, XClipBaseProcessor(tokenizer), ownsModel: true);
        return ZeroShot($"zero-shot folder end-to-end (xclip-base-patch32, {Videos} videos, batch {Batch}, {CandidateLabels.Length} labels)",
            dtype, pipeline, files, Batch, CandidateLabels);
    });

    /// <summary>The processor of microsoft/xclip-base-patch32 (OpenAI CLIP mean and std) with the CLIP tokenizer in <paramref name="tokenizerDirectory"/>.</summary>
    internal static XCLIPProcessor XClipBaseProcessor(string tokenizerDirectory)
        => new(new VideoMAEImageProcessor(ImageProcessingOptions.VideoMAEDefaults with
        {
            ImageMean = [0.48145466, 0.4578275, 0.40821073],
            ImageStd = [0.26862954, 0.26130258, 0.27577711],
        }), CLIPTokenizer.FromPretrained(tokenizerDirectory));

    /// <summary><paramref name="pipeline"/> over <paramref name="files"/> next to <c>VideoMAEForVideoClassification.Forward</c> on a batch.</summary>
    internal static BenchRow Classify(string name, ScalarType dtype, VideoClassificationPipeline pipeline, IReadOnlyList<string> files, int batch)
    {
        var config = pipeline.Model.Config;
        using var pixels = randn(new long[] { batch, config.NumFrames, 3, config.ImageSize, config.ImageSize });
        return Measure(name, dtype, pipeline, ClassificationOptions.Default, files, batch, () =>
        {
            using (pipeline.Model.Forward(pixels))
            {
            }
        });
    }

    /// <summary>
    /// <paramref name="pipeline"/> over <paramref name="files"/> against <paramref name="labels"/>, next to the model's
    /// per-batch work as the pipeline does it: video encoding and scoring against text features computed once.
    /// </summary>
    internal static BenchRow ZeroShot(
        string name, ScalarType dtype, ZeroShotVideoClassificationPipeline pipeline, IReadOnlyList<string> files, int batch, IReadOnlyList<string> labels)
    {
        var vision = pipeline.Model.Config.VisionConfig;
        using var pixels = randn(new long[] { batch, vision.NumFrames, 3, vision.ImageSize, vision.ImageSize });
        using var labelSet = pipeline.PrepareLabels(labels);
        return Measure(name, dtype, pipeline, new ClassificationOptions { CandidateLabels = labels }, files, batch, () =>
        {
            using var scope = NewDisposeScope();
            using var encoded = pipeline.Model.EncodeVideos(pixels);
            _ = pipeline.Model.ScoreVideos(encoded, labelSet.TextFeatures);
        });
    }

    /// <summary>
    /// Times one folder run of <paramref name="pipeline"/> (after a one-file warm-up, which also prepares what the
    /// pipeline keeps per call, such as zero-shot text features) and the best of two runs of <paramref name="modelBatch"/>,
    /// so the ratio errs against the folder run.
    /// </summary>
    private static BenchRow Measure(
        string name, ScalarType dtype, IClassificationPipeline pipeline, ClassificationOptions options, IReadOnlyList<string> files, int batch, Action modelBatch)
    {
        pipeline.BatchSize = batch;
        _ = pipeline.ClassifyFiles(files.Take(1).ToList(), options);
        var watch = Stopwatch.StartNew();
        _ = pipeline.ClassifyFiles(files, options);
        var folderSeconds = watch.Elapsed.TotalSeconds;
        var modelSeconds = double.MaxValue;
        using (inference_mode())
        {
            for (var run = 0; run < 2; run++)
            {
                watch.Restart();
                modelBatch();
                modelSeconds = Math.Min(modelSeconds, watch.Elapsed.TotalSeconds);
            }
        }
        var folderRate = files.Count / folderSeconds;
        var modelRate = batch / modelSeconds;
        var culture = CultureInfo.InvariantCulture;
        return new BenchRow(name, Runtime.TorchRuntime.DTypeName(dtype), batch, folderSeconds, folderSeconds, folderSeconds, 0, null,
            string.Create(culture, $"{folderRate:0.00} videos/s"),
            string.Create(culture, $"model only {modelRate:0.00} videos/s; folder run keeps {folderRate / modelRate:P0}; decoder: {DecoderName}"))
        {
            Backend = dtype == ScalarType.Float32 ? Runtime.Kernels.Fp32Kernels.Name(Runtime.Kernels.Fp32Kernels.Current) : "libtorch",
            Attention = Runtime.Kernels.AttentionBackends.Name(Runtime.Kernels.AttentionBackends.For(dtype)),
            EndToEnd = new EndToEndThroughput(folderRate, modelRate, DecoderName),
        };
    }

    private static void Place(PreTrainedModel model, ScalarType dtype)
    {
        model.Place(new ModelLoadOptions { DType = dtype });
        model.eval();
    }

    /// <summary>Runs <paramref name="measure"/> over 48 copies of a generated 64-frame 640x360 clip in a temporary folder.</summary>
    private static BenchRow OverClips(Func<IReadOnlyList<string>, BenchRow> measure)
    {
        var directory = Directory.CreateTempSubdirectory("sharpvl-bench-e2e-").FullName;
        try
        {
            var clip = Path.Combine(directory, "clip0.mp4");
            ExtraSections.MakeClip(clip, 64);
            var files = Enumerable.Range(0, Videos).Select(i => Path.Combine(directory, $"clip{i}.mp4")).ToList();
            foreach (var file in files.Skip(1))
            {
                File.Copy(clip, file);
            }
            return measure(files);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
