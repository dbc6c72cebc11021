using System.Text.Json;

namespace SharpVL.Processing;

/// <summary>Reading of <c>preprocessor_config.json</c> text shared by the image processors and feature extractors.</summary>
public static class PreprocessorJson
{
    /// <summary>Parses <paramref name="json"/>, which must be one JSON object; errors name <paramref name="source"/>.</summary>
    /// <exception cref="InvalidDataException">Invalid JSON, or not an object.</exception>
    public static JsonDocument ParseObject(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidDataException($"{source} must hold a JSON object.");
        }
        return document;
    }
}
