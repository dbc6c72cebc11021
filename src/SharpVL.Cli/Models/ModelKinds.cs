using SharpVL.Configuration;
using SharpVL.Models.Auto;
using SharpVL.Pipelines;

namespace SharpVL.Cli.Models;

/// <summary>Which SharpVL class (and sharpvl command) loads a checkpoint, from its config.json.</summary>
/// <param name="ClassName">The SharpVL class, e.g. <c>SharpVL.Models.VideoMAE.VideoMAEForVideoClassification</c>; null when none does.</param>
/// <param name="Command">The sharpvl command that uses it, when there is one.</param>
/// <param name="Note">Why it is not supported, when <paramref name="ClassName"/> is null.</param>
internal sealed record ModelKind(string? ClassName, string? Command, string? Note = null);

/// <summary>The library's Auto dispatch (<see cref="ModelRegistry"/>) with the command of each pipeline task.</summary>
internal static class ModelKinds
{
    private static readonly Dictionary<string, string> Commands = new(StringComparer.Ordinal)
    {
        [PipelineTasks.VideoClassification] = "classify",
        [PipelineTasks.ZeroShotVideoClassification] = "zero-shot, embed",
        [PipelineTasks.ZeroShotImageClassification] = "zero-shot-image, similarity",
        [PipelineTasks.AudioVisualClassification] = "av-classify",
    };

    /// <summary>The kind of the checkpoint whose config.json is <paramref name="configPath"/> (a missing or unreadable config is a note, not an error).</summary>
    public static ModelKind Of(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return new ModelKind(null, null, "no config.json");
        }
        try
        {
            var (modelType, architectures) = ConfigJson.Peek(configPath);
            if (ModelRegistry.ForConfig(modelType, architectures) is { } known)
            {
                return new ModelKind(known.Type.FullName, known.Task is null ? null : Commands[known.Task]);
            }
            return new ModelKind(null, null, modelType is null ? "config.json has no model_type" : $"model_type '{modelType}' is not supported");
        }
        catch (SharpVLException)
        {
            return new ModelKind(null, null, "config.json is not valid JSON");
        }
    }
}
