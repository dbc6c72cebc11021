using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Pipelines;
using SharpVL.Processing;
using SharpVL.Processing.Images;

namespace SharpVL.Models.Auto;

/// <summary>One model class SharpVL implements, as the Auto classes see it.</summary>
/// <param name="ClassName">The Transformers class name, which is also the SharpVL class name (<c>VideoMAEForVideoClassification</c>).</param>
/// <param name="ModelType">The <c>model_type</c> its config carries.</param>
/// <param name="Type">The SharpVL class.</param>
/// <param name="Task">The pipeline task it serves, when one does (<see cref="PipelineTasks"/>).</param>
/// <param name="Load">Loads it from a directory or Hub id.</param>
public sealed record ModelClass(string ClassName, string ModelType, Type Type, string? Task, Func<string, ModelLoadOptions?, PreTrainedModel> Load);

/// <summary>One model family as the Auto classes see it: its <c>model_type</c>, config class and processor.</summary>
/// <param name="ModelType">The <c>model_type</c> its configs carry.</param>
/// <param name="LoadConfig">Reads a directory's <c>config.json</c> as the family's config class.</param>
/// <param name="LoadProcessor">Loads the family's processor from a directory (VideoMAE, which has no processor class: its image processor).</param>
public sealed record ModelFamily(string ModelType, Func<string, PretrainedConfig> LoadConfig, Func<string, IProcessor> LoadProcessor);

/// <summary>
/// The table behind <see cref="AutoConfig"/>, <see cref="AutoModel"/>, <see cref="AutoProcessor"/> and
/// <see cref="Pipeline.Create(string, ModelLoadOptions?)"/>: every model class, its <c>model_type</c> and task, written once.
/// </summary>
public static class ModelRegistry
{
    /// <summary>Every model class, base models first within each family.</summary>
    public static IReadOnlyList<ModelClass> Classes { get; } =
    [
        new(nameof(VideoMAEModel), "videomae", typeof(VideoMAEModel), null, VideoMAEModel.FromPretrained),
        new(nameof(VideoMAEForVideoClassification), "videomae", typeof(VideoMAEForVideoClassification), PipelineTasks.VideoClassification, VideoMAEForVideoClassification.FromPretrained),
        new(nameof(VideoMAEForPreTraining), "videomae", typeof(VideoMAEForPreTraining), null, VideoMAEForPreTraining.FromPretrained),
        new(nameof(XCLIPModel), XCLIPConfig.ModelTypeId, typeof(XCLIPModel), PipelineTasks.ZeroShotVideoClassification, XCLIPModel.FromPretrained),
        new(nameof(XCLIPTextModel), XCLIPConfig.ModelTypeId, typeof(XCLIPTextModel), null, XCLIPTextModel.FromPretrained),
        new(nameof(XCLIPVisionModel), XCLIPConfig.ModelTypeId, typeof(XCLIPVisionModel), null, XCLIPVisionModel.FromPretrained),
        new(nameof(AltCLIPModel), "altclip", typeof(AltCLIPModel), PipelineTasks.ZeroShotImageClassification, AltCLIPModel.FromPretrained),
        new(nameof(AltCLIPTextModel), "altclip", typeof(AltCLIPTextModel), null, AltCLIPTextModel.FromPretrained),
        new(nameof(AltCLIPVisionModel), "altclip", typeof(AltCLIPVisionModel), null, AltCLIPVisionModel.FromPretrained),
        new(nameof(TvltModel), "tvlt", typeof(TvltModel), null, TvltModel.FromPretrained),
        new(nameof(TvltForAudioVisualClassification), "tvlt", typeof(TvltForAudioVisualClassification), PipelineTasks.AudioVisualClassification, TvltForAudioVisualClassification.FromPretrained),
        new(nameof(TvltForPreTraining), "tvlt", typeof(TvltForPreTraining), null, TvltForPreTraining.FromPretrained),
    ];

    /// <summary>Every family: its config class and processor, written once for <see cref="AutoConfig"/> and <see cref="AutoProcessor"/>.</summary>
    public static IReadOnlyList<ModelFamily> Families { get; } =
    [
        new("videomae", d => VideoMAEConfig.FromPretrained(d), d => VideoMAEImageProcessor.FromPretrained(d)),
        new(XCLIPConfig.ModelTypeId, d => XCLIPConfig.FromPretrained(d), d => XCLIPProcessor.FromPretrained(d)),
        new("altclip", d => AltCLIPConfig.FromPretrained(d), d => AltCLIPProcessor.FromPretrained(d)),
        new("tvlt", d => TvltConfig.FromPretrained(d), d => TvltProcessor.FromPretrained(d)),
    ];

    /// <summary>The family of the model a directory's <c>config.json</c> names.</summary>
    /// <exception cref="ConfigException">The config is unreadable, or names no model SharpVL implements.</exception>
    public static ModelFamily FamilyForDirectory(string directoryOrFile)
    {
        var modelType = ForDirectory(directoryOrFile).ModelType;
        return Families.Single(f => string.Equals(f.ModelType, modelType, StringComparison.Ordinal));
    }

    /// <summary>The class named <paramref name="className"/>, or null.</summary>
    public static ModelClass? ByName(string className)
        => Classes.FirstOrDefault(c => string.Equals(c.ClassName, className, StringComparison.Ordinal));

    /// <summary>
    /// The class a checkpoint's config names, the way Transformers' Auto classes dispatch: the first known entry of
    /// <c>architectures</c>, else the base model of <c>model_type</c>; null when neither is known.
    /// </summary>
    public static ModelClass? ForConfig(string? modelType, IReadOnlyList<string> architectures)
    {
        ArgumentNullException.ThrowIfNull(architectures);
        return architectures.Select(ByName).FirstOrDefault(c => c is not null)
            ?? Classes.FirstOrDefault(c => string.Equals(c.ModelType, modelType, StringComparison.Ordinal));
    }

    /// <summary>The class for the <c>config.json</c> of a model directory (or that file).</summary>
    /// <exception cref="ConfigException">The config is unreadable, or names no model SharpVL implements.</exception>
    public static ModelClass ForDirectory(string directoryOrFile)
    {
        var (modelType, architectures) = ConfigJson.Peek(directoryOrFile);
        return ForConfig(modelType, architectures) ?? throw new ConfigException(
            directoryOrFile, "model_type",
            modelType is null
                ? "is missing (and no architecture in 'architectures' is one SharpVL implements)."
                : $"is '{TextForMessages.Printable(modelType)}', which SharpVL does not implement; supported: {string.Join(", ", Classes.Select(c => c.ModelType).Distinct())}.");
    }
}
