using System.Text.Json;

namespace SharpVL.Cli.Models;

/// <summary>Which SharpVL class (and sharpvl command) loads a checkpoint, from its config.json.</summary>
/// <param name="ClassName">The SharpVL class, e.g. <c>SharpVL.Models.VideoMAE.VideoMAEForVideoClassification</c>; null when none does.</param>
/// <param name="Command">The sharpvl command that uses it, when there is one.</param>
/// <param name="Note">Why it is not supported, when <paramref name="ClassName"/> is null.</param>
internal sealed record ModelKind(string? ClassName, string? Command, string? Note = null);

/// <summary>
/// Maps config.json's <c>architectures</c> (else <c>model_type</c>) to the SharpVL class that loads the checkpoint, the
/// way Transformers' Auto classes dispatch.
/// </summary>
internal static class ModelKinds
{
    private static readonly Dictionary<string, (string Class, string? Command)> Architectures = new(StringComparer.Ordinal)
    {
        ["VideoMAEForVideoClassification"] = ("SharpVL.Models.VideoMAE.VideoMAEForVideoClassification", "classify"),
        ["VideoMAEForPreTraining"] = ("SharpVL.Models.VideoMAE.VideoMAEForPreTraining", null),
        ["VideoMAEModel"] = ("SharpVL.Models.VideoMAE.VideoMAEModel", null),
        ["XCLIPModel"] = ("SharpVL.Models.XCLIP.XCLIPModel", "zero-shot, embed"),
        ["AltCLIPModel"] = ("SharpVL.Models.AltCLIP.AltCLIPModel", "zero-shot-image, similarity"),
        ["TvltForAudioVisualClassification"] = ("SharpVL.Models.Tvlt.TvltForAudioVisualClassification", "av-classify"),
        ["TvltForPreTraining"] = ("SharpVL.Models.Tvlt.TvltForPreTraining", null),
        ["TvltModel"] = ("SharpVL.Models.Tvlt.TvltModel", null),
    };

    private static readonly Dictionary<string, string> ModelTypes = new(StringComparer.Ordinal)
    {
        ["videomae"] = "VideoMAEModel",
        ["xclip"] = "XCLIPModel",
        ["altclip"] = "AltCLIPModel",
        ["tvlt"] = "TvltModel",
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
            using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
            var root = config.RootElement;
            if (root.TryGetProperty("architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array)
            {
                foreach (var architecture in architectures.EnumerateArray())
                {
                    if (architecture.GetString() is { } name && Architectures.TryGetValue(name, out var known))
                    {
                        return new ModelKind(known.Class, known.Command);
                    }
                }
            }
            var modelType = root.TryGetProperty("model_type", out var type) ? type.GetString() : null;
            if (modelType is not null && ModelTypes.TryGetValue(modelType, out var baseClass))
            {
                var known = Architectures[baseClass];
                return new ModelKind(known.Class, known.Command);
            }
            return new ModelKind(null, null, modelType is null ? "config.json has no model_type" : $"model_type '{modelType}' is not supported");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new ModelKind(null, null, "config.json is not valid JSON");
        }
    }
}
