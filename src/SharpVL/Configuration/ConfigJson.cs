using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpVL.Configuration;

/// <summary>Reads Transformers' <c>config.json</c> files into typed configs.</summary>
public static class ConfigJson
{
    /// <summary>Largest config file read (published configs are a few KB; id2label of 21k classes is ~1 MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The serializer settings matching Transformers' JSON: snake_case names, NaN/Infinity allowed.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    /// <summary>
    /// Parses and validates a config from JSON text; <paramref name="source"/> names it in error messages.
    /// </summary>
    /// <exception cref="ConfigException">Not a JSON object of this config, or a field no model can be built with.</exception>
    public static TConfig Parse<TConfig>(string json, string source = "config.json")
        where TConfig : PretrainedConfig => Parse<TConfig>(json, source, path: null, validate: true);

    /// <summary>Parses a JSON element (e.g. a <c>text_config</c> inside a composite config).</summary>
    public static TConfig Parse<TConfig>(JsonElement element, string source)
        where TConfig : PretrainedConfig => Parse<TConfig>(element.GetRawText(), source);

    /// <summary>
    /// Loads <c>config.json</c> from a model directory (or a path to the file itself). With
    /// <paramref name="subConfigKey"/>, reads that member of a composite config (e.g. <c>vision_config</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ConfigException">The file is not a valid config; the message names the file and the field.</exception>
    public static TConfig Load<TConfig>(string directoryOrFile, string? subConfigKey = null)
        where TConfig : PretrainedConfig
    {
        var path = ConfigPath(directoryOrFile);
        var json = ReadText(path);
        if (subConfigKey is null)
        {
            return Parse<TConfig>(json, path, path, validate: true);
        }
        using var document = ParseDocument(json, path);
        if (!document.RootElement.TryGetProperty(subConfigKey, out var sub) || sub.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigException(path, subConfigKey, "is missing (expected an object).", path);
        }
        return Parse<TConfig>(sub.GetRawText(), $"{path} → {subConfigKey}", path, validate: true);
    }

    /// <summary>Reads just <c>model_type</c> (and <c>architectures</c>) of a config file, for dispatching.</summary>
    public static (string? ModelType, IReadOnlyList<string> Architectures) Peek(string directoryOrFile)
    {
        var path = ConfigPath(directoryOrFile);
        using var document = ParseDocument(ReadText(path), path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigException(path, null, $"is not a config: expected a JSON object, found {Kind(root.ValueKind)}.", path);
        }
        var modelType = root.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
        var architectures = root.TryGetProperty("architectures", out var arch) && arch.ValueKind == JsonValueKind.Array
            ? arch.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() ?? "" : "").ToList()
            : [];
        return (modelType, architectures);
    }

    internal static TConfig Parse<TConfig>(string json, string source, string? path, bool validate)
        where TConfig : PretrainedConfig
    {
        TConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TConfig>(json, Options);
            if (config is null)
            {
                throw new ConfigException(source, null, "is empty (null), expected a JSON object.", path);
            }
            config.SourceName = source;
            config.SourcePath = path;
            config.OnLoaded();
        }
        catch (NestedConfigJsonException e)
        {
            // A sub-config's problem: its field path gets the key the serializer found it under.
            var key = string.IsNullOrEmpty(e.Path) ? null : e.Path.TrimStart('$', '.');
            var field = key is null ? e.Field : e.Field is null ? key : $"{key}.{e.Field}";
            throw new ConfigException(source, field, e.Problem, path, e);
        }
        catch (JsonException e)
        {
            throw Invalid(e, source, path);
        }
        catch (InvalidOperationException e)
        {
            // A string with an escaped lone surrogate ("\ud800") is valid JSON but no text.
            throw new ConfigException(source, null, "holds a string that is not valid Unicode (an unpaired surrogate escape).", path, e);
        }
        if (validate)
        {
            config.Validate();
        }
        return config;
    }

    /// <summary>
    /// Parses a sub-config inside a composite config's deserialization, without validating (the composite validates its
    /// sub-configs with their field prefixes) and with errors passed up as JSON errors, so the top-level parse names the
    /// file and the whole field path.
    /// </summary>
    internal static TConfig ParseNested<TConfig>(string json)
        where TConfig : PretrainedConfig
    {
        try
        {
            return Parse<TConfig>(json, typeof(TConfig).Name, path: null, validate: false);
        }
        catch (ConfigException e)
        {
            throw new NestedConfigJsonException(e.Field, e.Problem, e);
        }
    }

    private static ConfigException Invalid(JsonException e, string source, string? path)
    {
        var field = string.IsNullOrEmpty(e.Path) ? null : e.Path.TrimStart('$', '.');
        // The serializer appends " Path: $.x | LineNumber: ..." to its messages; the field is named already.
        var reason = ReadableTypes(e.Message.Split(" Path: ", 2)[0].TrimEnd());
        return new ConfigException(source, field, field is null ? $"is not a valid config: {reason}" : $"has an invalid value: {reason}", path, e);
    }

    /// <summary>"could not be converted to System.Int32" → "expected an integer": no .NET type names in messages.</summary>
    private static string ReadableTypes(string reason)
    {
        const string marker = "The JSON value could not be converted to ";
        int at = reason.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return reason;
        }
        var type = reason[(at + marker.Length)..].TrimEnd('.');
        var expected = type switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer (that fits 32/64 bits)",
            "System.Double" or "System.Single" or "System.Nullable`1[System.Double]" or "System.Nullable`1[System.Single]" => "a number",
            "System.String" => "a string",
            "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
            _ when type.Contains("Dictionary", StringComparison.Ordinal) => "an object",
            _ when type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "a list",
            _ => "a value of another type",
        };
        return reason[..at] + "expected " + expected + ".";
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string ConfigPath(string directoryOrFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(directoryOrFile);
        var path = Directory.Exists(directoryOrFile) ? Path.Combine(directoryOrFile, "config.json") : directoryOrFile;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No config.json found at '{path}'.", path);
        }
        return path;
    }

    private static string ReadText(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new ConfigException(path, null, $"is {length} bytes, more than any config ({MaxFileBytes} bytes at most).", path);
        }
        return File.ReadAllText(path);
    }

    private static JsonDocument ParseDocument(string json, string path)
    {
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
            IO.UntrustedJson.RequireText(document.RootElement, "the file", (problem, inner) => new ConfigException(path, null, problem + ".", path, inner));
            return document;
        }
        catch (JsonException e)
        {
            throw new ConfigException(path, null, $"is not valid JSON: {e.Message}", path, e);
        }
    }
}

/// <summary>A sub-config's error on its way up through the serializer, which records where it was found.</summary>
internal sealed class NestedConfigJsonException(string? field, string problem, Exception? inner = null) : JsonException(problem, inner)
{
    public string? Field { get; } = field;

    public string Problem { get; } = problem;
}
