using System.Diagnostics;
using SharpVL.Models.VideoMAE;
using SharpVL.Pipelines;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>
/// End-to-end throughput of <c>sharpvl classify</c>'s pipeline over a folder of videos (decode, sampling, preprocessing
/// and the model, batch 8) next to the model alone on the same batch: how much of the model's throughput a folder run
/// keeps.
/// </summary>
internal static class EndToEnd
{
    private const int Batch = 8;
    private const int Videos = 2 * Batch;

    /// <summary>One row: folder throughput, with the model-only throughput and the ratio in its notes.</summary>
    public static BenchRow ClassifyFolder(ScalarType dtype)
    {
        var directory = Directory.CreateTempSubdirectory("sharpvl-bench-e2e-").FullName;
        try
        {
            var modelDirectory = Path.Combine(directory, "videomae-base");
            var config = new VideoMAEConfig { NumLabels = 400 };
            using (var model = new VideoMAEForVideoClassification(config))
            {
                model.SavePretrained(modelDirectory);
            }
            File.WriteAllText(Path.Combine(modelDirectory, "preprocessor_config.json"), PreprocessorConfig);
            var clip = Path.Combine(directory, "clip0.mp4");
            ExtraSections.MakeClip(clip, 64);
            var files = Enumerable.Range(0, Videos).Select(i => Path.Combine(directory, $"clip{i}.mp4")).ToList();
            foreach (var file in files.Skip(1))
            {
                File.Copy(clip, file);
            }
            using var pipeline = Pipeline.Create(PipelineTasks.VideoClassification, modelDirectory, new SharpVL.Modeling.ModelLoadOptions
            {
                DType = dtype,
                Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            });
            pipeline.BatchSize = Batch;
            _ = pipeline.ClassifyFiles(files.Take(1).ToList());
            var watch = Stopwatch.StartNew();
            _ = pipeline.ClassifyFiles(files);
            var folderSeconds = watch.Elapsed.TotalSeconds;

            var videomae = ((VideoClassificationPipeline)pipeline).Model;
            using var pixels = randn(new long[] { Batch, config.NumFrames, 3, config.ImageSize, config.ImageSize });
            // The model's best of two runs: the ratio then errs against the folder run.
            var modelSeconds = double.MaxValue;
            using (inference_mode())
            {
                for (var run = 0; run < 2; run++)
                {
                    watch.Restart();
                    using (videomae.Forward(pixels))
                    {
                    }
                    modelSeconds = Math.Min(modelSeconds, watch.Elapsed.TotalSeconds);
                }
            }
            var folderRate = Videos / folderSeconds;
            var modelRate = Batch / modelSeconds;
            return new BenchRow($"classify folder end-to-end (videomae-base, {Videos} videos, batch {Batch})", Runtime.TorchRuntime.DTypeName(dtype),
                Batch, folderSeconds, folderSeconds, folderSeconds, 0, null, $"{folderRate:0.00} videos/s",
                $"model only {modelRate:0.00} videos/s; folder run keeps {folderRate / modelRate:P0}")
            {
                Backend = dtype == ScalarType.Float32 ? Runtime.Kernels.Fp32Kernels.Name(Runtime.Kernels.Fp32Kernels.Current) : "libtorch",
            };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const string PreprocessorConfig = """
        {
          "crop_size": { "height": 224, "width": 224 },
          "do_center_crop": true,
          "do_normalize": true,
          "do_rescale": true,
          "do_resize": true,
          "image_mean": [0.485, 0.456, 0.406],
          "image_processor_type": "VideoMAEImageProcessor",
          "image_std": [0.229, 0.224, 0.225],
          "resample": 2,
          "rescale_factor": 0.00392156862745098,
          "size": { "shortest_edge": 224 }
        }
        """;
}
