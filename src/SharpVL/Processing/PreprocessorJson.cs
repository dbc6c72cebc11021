using System.Text.Json;
using SharpVL.Configuration;

namespace SharpVL.Processing;

/// <summary>Reading of <c>preprocessor_config.json</c> text shared by the image processors and feature extractors.</summary>
public static class PreprocessorJson
{
    /// <summary>Parses <paramref name="json"/>, which must be one JSON object; errors name <paramref name="source"/>.</summary>
    /// <exception cref="ConfigException">Invalid JSON, or not an object.</exception>
    public static JsonDocument ParseObject(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw Fail(source, null, $"is not valid JSON: {e.Message}", e);
        }
        try
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, null, "must hold a JSON object.");
            }
            IO.UntrustedJson.RequireText(document.RootElement, "the file", (problem, e) => Fail(source, null, problem + ".", e));
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>The error for a bad <paramref name="field"/> of the config <paramref name="source"/> (a path or a name).</summary>
    public static ConfigException Fail(string source, string? field, string problem, Exception? innerException = null)
        => new(source, field, problem, File.Exists(source) ? source : null, innerException);

    /// <summary>The error for a value a reader refused with <paramref name="error"/>, whose message names the field already.</summary>
    internal static ConfigException Invalid(string source, string field, ArgumentException error)
    {
        var problem = error.Message.Contains($"'{field}'", StringComparison.Ordinal) ? error.Message : $"'{field}': {error.Message}";
        return new(source, field, problem, File.Exists(source) ? source : null, error, problemNamesField: true);
    }

    /// <summary>An integer field: a JSON number that fits, from 1 to <paramref name="max"/>.</summary>
    public static int PositiveInt(JsonElement value, string source, string field, int max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < 1 || number > max)
        {
            throw Fail(source, field, $"must be an integer from 1 to {max}, got {TextForMessages.Printable(value.GetRawText())}.");
        }
        return number;
    }
}
