using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpVL.Configuration;

/// <summary>Reads Transformers' <c>config.json</c> files into typed configs.</summary>
public static class ConfigJson
{
    /// <summary>The serializer settings matching Transformers' JSON: snake_case names, NaN/Infinity allowed.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses a config from JSON text; <paramref name="source"/> names it in error messages.</summary>
    public static TConfig Parse<TConfig>(string json, string source = "config.json")
        where TConfig : PretrainedConfig
    {
        TConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TConfig>(json, Options);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) ? "" : $" at '{ex.Path.TrimStart('$', '.')}'";
            throw new InvalidDataException($"{source}: invalid value{where} for {typeof(TConfig).Name}: {ex.Message}", ex);
        }
        if (config is null)
        {
            throw new InvalidDataException($"{source} is empty (null), expected a JSON object.");
        }
        config.OnLoaded();
        return config;
    }

    /// <summary>Parses a JSON element (e.g. a <c>text_config</c> inside a composite config).</summary>
    public static TConfig Parse<TConfig>(JsonElement element, string source)
        where TConfig : PretrainedConfig => Parse<TConfig>(element.GetRawText(), source);

    /// <summary>
    /// Loads <c>config.json</c> from a model directory (or a path to the file itself). With
    /// <paramref name="subConfigKey"/>, reads that member of a composite config (e.g. <c>vision_config</c>).
    /// </summary>
    public static TConfig Load<TConfig>(string directoryOrFile, string? subConfigKey = null)
        where TConfig : PretrainedConfig
    {
        var path = Directory.Exists(directoryOrFile) ? Path.Combine(directoryOrFile, "config.json") : directoryOrFile;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No config.json found at '{path}'.", path);
        }
        var json = File.ReadAllText(path);
        if (subConfigKey is null)
        {
            return Parse<TConfig>(json, path);
        }
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty(subConfigKey, out var sub) || sub.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no '{subConfigKey}' object.");
        }
        return Parse<TConfig>(sub, $"{path} → {subConfigKey}");
    }

    /// <summary>Reads just <c>model_type</c> (and <c>architectures</c>) of a config file, for dispatching.</summary>
    public static (string? ModelType, IReadOnlyList<string> Architectures) Peek(string directoryOrFile)
    {
        var path = Directory.Exists(directoryOrFile) ? Path.Combine(directoryOrFile, "config.json") : directoryOrFile;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No config.json found at '{path}'.", path);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var modelType = root.TryGetProperty("model_type", out var mt) ? mt.GetString() : null;
        var architectures = root.TryGetProperty("architectures", out var arch) && arch.ValueKind == JsonValueKind.Array
            ? arch.EnumerateArray().Select(a => a.GetString() ?? "").ToList()
            : [];
        return (modelType, architectures);
    }
}
