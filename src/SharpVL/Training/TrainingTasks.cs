using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using SharpVL.Training.Data;

namespace SharpVL.Training;

/// <summary>
/// Picks the training task from the model's family and loads the model for it: VideoMAE and TVLT classification (a
/// head for the data's labels; VideoMAE pre-training with a mask ratio), X-CLIP and AltCLIP contrastive training.
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
            ("tvlt", _) => TvltClassification(directory, load, reader, options, data.Labels),
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
            "tvlt" => TrainingTaskKind.Classification,
            "xclip" or "altclip" => TrainingTaskKind.Contrastive,
            _ => throw new NotSupportedException(
                $"{model}: {name} cannot be trained by SharpVL; trainable: VideoMAE (classification, pre-training), TVLT (audio-visual classification), X-CLIP and AltCLIP (contrastive)."),
        };
    }

    private static VideoClipLoader VideoLoader(VideoMAEImageProcessor processor, VideoReader reader, int numFrames, TrainingTaskOptions options)
        => new(reader, numFrames, processor.Options, (clips, o) => processor.Preprocess(clips, o)) { Augmentation = options.Augmentation };

    private static ClassificationTask Classification(
        string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options, IReadOnlyList<string> labels)
    {
        var config = ConfigJson.Load<VideoMAEConfig>(directory);
        var keepHead = ClassifierHeads.Relabel(config, labels);
        var model = new VideoMAEForVideoClassification(config);
        try
        {
            ClassifierHeads.Load(model, directory, load, "classifier", keepHead, config.InitializerRange, options.Seed);
            return new ClassificationTask(model, directory, VideoLoader(VideoMAEImageProcessor.FromPretrained(directory), reader, config.NumFrames, options), labels);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static TvltClassificationTask TvltClassification(
        string directory, ModelLoadOptions load, VideoReader reader, TrainingTaskOptions options, IReadOnlyList<string> labels)
    {
        var processor = TvltProcessor.FromPretrained(directory);
        var config = ConfigJson.Load<TvltConfig>(directory);
        var keepHead = ClassifierHeads.Relabel(config, labels);
        var model = new TvltForAudioVisualClassification(config);
        try
        {
            // classifier.{0,1} (Linear, LayerNorm) are the pretrained MLP; classifier.3 maps to the labels.
            ClassifierHeads.Load(model, directory, load, "classifier.3", keepHead, config.InitializerRange, options.Seed);
            var images = processor.ImageProcessor;
            var loader = new VideoClipLoader(reader, images.NumFrames, images.Options, (clips, o) => images.Preprocess(clips, o).Stacked!)
            {
                Augmentation = options.Augmentation,
            };
            return new TvltClassificationTask(model, directory, loader, processor, labels);
        }
        catch
        {
            model.Dispose();
            throw;
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
