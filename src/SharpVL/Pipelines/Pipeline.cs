using SharpVL.Modeling;
using SharpVL.Models.Auto;

namespace SharpVL.Pipelines;

/// <summary>The task names <see cref="Pipeline.Create(string, string, ModelLoadOptions?)"/> takes (Transformers' names where it has one).</summary>
public static class PipelineTasks
{
    /// <summary>VideoMAE classifier → <see cref="VideoClassificationPipeline"/>.</summary>
    public const string VideoClassification = "video-classification";

    /// <summary>X-CLIP → <see cref="ZeroShotVideoClassificationPipeline"/>.</summary>
    public const string ZeroShotVideoClassification = "zero-shot-video-classification";

    /// <summary>AltCLIP → <see cref="ZeroShotImageClassificationPipeline"/>.</summary>
    public const string ZeroShotImageClassification = "zero-shot-image-classification";

    /// <summary>TVLT classifier → <see cref="AudioVisualClassificationPipeline"/>.</summary>
    public const string AudioVisualClassification = "audio-visual-classification";

    /// <summary>Every task, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [VideoClassification, ZeroShotVideoClassification, ZeroShotImageClassification, AudioVisualClassification];
}

/// <summary>The task factory, in the spirit of Transformers' <c>pipeline(task, model)</c>.</summary>
public static class Pipeline
{
    /// <summary>
    /// Loads the pipeline for <paramref name="task"/> (see <see cref="PipelineTasks"/>) with the model in
    /// <paramref name="modelIdOrPath"/> (a directory or Hub id). The pipeline owns the model it loaded.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="task"/> is not a known task.</exception>
    /// <exception cref="SharpVLException">The model cannot be found or loaded.</exception>
    public static IClassificationPipeline Create(string task, string modelIdOrPath, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task switch
        {
            PipelineTasks.VideoClassification => VideoClassificationPipeline.FromPretrained(modelIdOrPath, options),
            PipelineTasks.ZeroShotVideoClassification => ZeroShotVideoClassificationPipeline.FromPretrained(modelIdOrPath, options),
            PipelineTasks.ZeroShotImageClassification => ZeroShotImageClassificationPipeline.FromPretrained(modelIdOrPath, options),
            PipelineTasks.AudioVisualClassification => AudioVisualClassificationPipeline.FromPretrained(modelIdOrPath, options),
            _ => throw new ArgumentException($"Unknown task '{task}'; the tasks are {string.Join(", ", PipelineTasks.All)}.", nameof(task)),
        };
    }

    /// <summary>
    /// Loads the pipeline for the task of the model in <paramref name="modelIdOrPath"/>, found from its config's
    /// <c>architectures</c>/<c>model_type</c> (Transformers' <c>pipeline(model=...)</c>).
    /// </summary>
    /// <exception cref="Configuration.ConfigException">The model has no pipeline task (e.g. a pre-training checkpoint) or is not supported.</exception>
    public static IClassificationPipeline Create(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var found = ModelRegistry.ForDirectory(directory);
        return found.Task is { } task
            ? Create(task, directory, options)
            : throw new Configuration.ConfigException(directory, "architectures",
                $"names {found.ClassName}, which no pipeline task uses; the tasks are {string.Join(", ", PipelineTasks.All)}.");
    }
}
