using SharpVL.Checkpoints;
using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using SharpVL.Training.Data;

namespace SharpVL.Training;

/// <summary>
/// Picks the training task from the model's family and loads the model for it: VideoMAE classification (a head for
/// the data's labels; VideoMAE pre-training with a mask ratio), X-CLIP and AltCLIP contrastive training.
/// </summary>
public static class TrainingTasks
{
    /// <summary>Loads <paramref name="modelIdOrPath"/> for training on <paramref name="data"/> and checks the data fits.</summary>
    /// <exception cref="NotSupportedException">The model family cannot be trained by SharpVL.</exception>
    /// <exception cref="TrainingDataException">The data cannot train the task (no labels, one class, no captions).</exception>
    public static TrainingTask Load(string modelIdOrPath, TrainingDataset data, TrainingTaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= TrainingTaskOptions.Default;
        var load = options.Load ?? ModelLoadOptions.Default;
        var directory = PretrainedFiles.Resolve(modelIdOrPath, load);
        var (modelType, architectures) = ConfigJson.Peek(directory);
        var reader = options.Reader ?? VideoReader.Default;
        var kind = KindFor(modelType, options.MaskRatio, modelIdOrPath, architectures);
        // Check the data before the (possibly large) model is built.
        data.Validate(kind);
        if (options.Seed is int seed)
        {
            TorchSharp.torch.manual_seed(seed);
        }
        TrainingTask task = (modelType, kind) switch
        {
            ("videomae", TrainingTaskKind.PreTraining) => PreTraining(directory, load, reader, options),
            ("videomae", _) => Classification(directory, load, reader, options, data.Labels),
            ("xclip", _) => XClip(directory, load, reader, options),
            _ => AltClip(directory, load, reader, options),
        };
        try
        {
            task.Validate(data);
            return task;
        }
        catch
        {
            task.Dispose();
            throw;
        }
    }

    /// <summary>The task a model family trains (with <paramref name="maskRatio"/>, VideoMAE pre-trains).</summary>
    /// <exception cref="NotSupportedException">The family or the combination cannot be trained.</exception>
    public static TrainingTaskKind KindFor(string? modelType, double? maskRatio, string model = "model", IReadOnlyList<string>? architectures = null)
    {
        var name = architectures is { Count: > 0 } ? architectures[0] : modelType ?? "unknown";
        if (maskRatio is not null && modelType != "videomae")
        {
            throw new NotSupportedException($"{model}: {name} has no masked pre-training in SharpVL; --mask-ratio is for VideoMAE.");
        }
        return modelType switch
        {
            "videomae" => maskRatio is null ? TrainingTaskKind.Classification : TrainingTaskKind.PreTraining,
            "xclip" or "altclip" => TrainingTaskKind.Contrastive,
            "tvlt" => throw new NotSupportedException(
                $"{model}: {name} (TVLT) needs audio-visual batches; train it with the C# API (BatchForward) — sharpvl train supports VideoMAE, X-CLIP and AltCLIP."),
            _ => throw new NotSupportedException(
                $"{model}: {name} cannot be trained by SharpVL; trainable: VideoMAE (classification, pre-training), X-CLIP and AltCLIP (contrastive)."),
        };
    }

    private static VideoClipLoader VideoLoader(VideoMAEImageProcessor processor, VideoReader reader, int numFrames, TrainingTaskOptions options)
        => new(reader, numFrames, processor.Options, (clips, o) => processor.Preprocess(clips, o)) { Augmentation = options.Augmentation };

    private static ClassificationTask Classification(
        string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options, IReadOnlyList<string> labels)
    {
        var config = ConfigJson.Load<VideoMAEConfig>(directory);
        var keepHead = config.Id2Label.OrderBy(p => p.Key).Select(p => p.Value).SequenceEqual(labels, StringComparer.Ordinal);
        config.Id2Label = labels.Select((l, i) => (l, i)).ToDictionary(p => p.i, p => p.l);
        config.Label2Id = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var model = new VideoMAEForVideoClassification(config);
        try
        {
            model.Place(load);
            using (var source = CheckpointFiles.Open(directory))
            {
                // Other labels than the checkpoint's: a new head, initialised as Transformers initialises missing weights.
                var weights = keepHead ? source : new KeyFilteredSource(source, ["classifier."]);
                var report = model.LoadWeights(weights, directory, load with { IgnoreMismatchedSizes = true, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance });
                ReportLoad(report, directory, load);
            }
            if (!keepHead && options.Seed is int seed)
            {
                InitializeHead(model, config.InitializerRange, seed);
            }
            return new ClassificationTask(model, directory, VideoLoader(VideoMAEImageProcessor.FromPretrained(directory), reader, config.NumFrames, options), labels);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Draws the new classifier as Transformers initialises a Linear (weight ~ N(0, initializer_range), bias 0), from a
    /// generator of its own: the same head for the same seed even while other threads draw from torch's global one.
    /// </summary>
    private static void InitializeHead(PreTrainedModel model, double initializerRange, int seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using var noGrad = TorchSharp.torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)))
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                parameter.normal_(0, initializerRange, generator);
            }
            else
            {
                parameter.zero_();
            }
        }
    }

    /// <summary>
    /// Warns about what the load found, except the new classification head, which is the point of fine-tuning (so
    /// "you should probably train this model" is not printed by the command that trains it).
    /// </summary>
    private static void ReportLoad(LoadReport report, string directory, ModelLoadOptions load)
    {
        var log = load.Warn;
        var missing = report.MissingKeys.Where(k => !k.StartsWith("classifier.", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            log($"Some weights of VideoMAEForVideoClassification were not in {directory} and are newly initialized: [{string.Join(", ", missing)}].");
        }
        if (report.UnexpectedKeys.Count > 0)
        {
            log($"Some weights of {directory} are not used by VideoMAEForVideoClassification: [{string.Join(", ", report.UnexpectedKeys)}].");
        }
    }

    private static PreTrainingTask PreTraining(string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options)
    {
        var model = VideoMAEForPreTraining.FromPretrained(directory, load);
        try
        {
            var loader = VideoLoader(VideoMAEImageProcessor.FromPretrained(directory), reader, model.Config.NumFrames, options);
            return new PreTrainingTask(model, directory, loader, options.MaskRatio!.Value);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ContrastiveTask XClip(string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options)
    {
        var processor = XCLIPProcessor.FromPretrained(directory);
        var model = XCLIPModel.FromPretrained(directory, load);
        var loader = VideoLoader(processor.ImageProcessor, reader, model.Config.VisionConfig.NumFrames, options);
        return new ContrastiveTask(model, directory, loader, processor.Tokenizer, Math.Min(processor.Tokenizer.ModelMaxLength, model.Config.TextConfig.MaxPositionEmbeddings));
    }

    private static ContrastiveTask AltClip(string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options)
    {
        var processor = AltCLIPProcessor.FromPretrained(directory);
        var model = AltCLIPModel.FromPretrained(directory, load);
        var images = processor.ImageProcessor;
        // AltCLIP is an image model: each clip is its middle frame.
        var loader = new VideoClipLoader(reader, 1, images.Options, (clips, o) => images.Preprocess([.. clips.Select(c => c[0])], o))
        {
            Augmentation = options.Augmentation,
        };
        var maxLength = Math.Min(processor.Tokenizer.ModelMaxLength, model.Config.TextConfig.MaxPositionEmbeddings - 2);
        return new ContrastiveTask(model, directory, loader, processor.Tokenizer, maxLength);
    }
}
