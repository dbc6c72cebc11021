using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>Picks and loads the right image processor for a model directory, like <c>AutoImageProcessor</c>.</summary>
public static class ImageProcessorLoader
{
    /// <summary>
    /// Loads the processor named <paramref name="className"/>, or, when null, the one the directory's
    /// <c>preprocessor_config.json</c> names in <c>image_processor_type</c> (or the legacy
    /// <c>feature_extractor_type</c>, e.g. the Hub's X-CLIP repos' <c>VideoMAEFeatureExtractor</c>).
    /// </summary>
    /// <exception cref="NotSupportedException"><paramref name="className"/> is not one this library implements here.</exception>
    /// <exception cref="Configuration.ConfigException">The file names no class, or one this loader does not load.</exception>
    public static IImageProcessor FromPretrained(string directory, string? className = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        bool fromFile = className is null;
        className ??= ClassNameFromConfig(directory);
        return className switch
        {
            "VideoMAEImageProcessor" or "VideoMAEFeatureExtractor" => VideoMAEImageProcessor.FromPretrained(directory),
            "CLIPImageProcessor" or "CLIPFeatureExtractor" => CLIPImageProcessor.FromPretrained(directory),
            "TvltImageProcessor" => TvltImageProcessor.FromPretrained(directory),
            _ when fromFile => throw PreprocessorJson.Fail(Path.Combine(directory, "preprocessor_config.json"), "image_processor_type",
                $"names '{className}', which this loader does not load (VideoMAEImageProcessor, CLIPImageProcessor, TvltImageProcessor)."),
            _ => throw new NotSupportedException(
                $"Image processor '{className}' (from '{directory}') is not supported; expected VideoMAEImageProcessor, CLIPImageProcessor or TvltImageProcessor."),
        };
    }

    private static string ClassNameFromConfig(string directory)
    {
        var options = ImageProcessingOptions.FromPretrained(directory, ImageProcessingOptions.VideoMAEDefaults);
        foreach (string key in new[] { "image_processor_type", "feature_extractor_type" })
        {
            if (options.ExtraKeys.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }
        }
        throw PreprocessorJson.Fail(Path.Combine(directory, "preprocessor_config.json"), "image_processor_type",
            "is missing (and so is feature_extractor_type); pass the processor class name.");
    }
}
