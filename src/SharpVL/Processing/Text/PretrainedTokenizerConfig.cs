using System.Text.Json;

namespace SharpVL.Processing.Text;

/// <summary>A special token as a tokenizer directory declares it (a string, or an <c>AddedToken</c> object).</summary>
/// <param name="Content">Token text.</param>
/// <param name="StripLeft"><c>lstrip</c> of an AddedToken; null when declared as a plain string.</param>
/// <param name="StripRight"><c>rstrip</c> of an AddedToken; null when declared as a plain string.</param>
internal sealed record DeclaredSpecialToken(string Content, bool? StripLeft, bool? StripRight);

/// <summary>
/// The optional <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> of a tokenizer directory
/// (the latter wins, as in <c>from_pretrained</c>).
/// </summary>
internal sealed class PretrainedTokenizerConfig
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    private PretrainedTokenizerConfig()
    {
    }

    public static PretrainedTokenizerConfig Load(string directory)
    {
        var config = new PretrainedTokenizerConfig();
        config.Merge(Path.Combine(directory, "tokenizer_config.json"));
        config.Merge(Path.Combine(directory, "special_tokens_map.json"));
        return config;
    }

    /// <summary><c>model_max_length</c> clamped to int (Transformers writes 1e30 for "no limit").</summary>
    public int? ModelMaxLength => _values.TryGetValue("model_max_length", out var value) && value.ValueKind == JsonValueKind.Number
        ? (int)Math.Min(int.MaxValue, Math.Max(0, value.GetDouble()))
        : null;

    /// <summary><c>tokenizer_class</c>, e.g. "CLIPTokenizer".</summary>
    public string? TokenizerClass => _values.TryGetValue("tokenizer_class", out var value) && value.ValueKind == JsonValueKind.String
        ? value.GetString()
        : null;

    public DeclaredSpecialToken? SpecialToken(string name)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => new DeclaredSpecialToken(value.GetString()!, null, null),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                => new DeclaredSpecialToken(content.GetString()!, OptionalBool(value, "lstrip"), OptionalBool(value, "rstrip")),
            _ => null,
        };
    }

    private static bool? OptionalBool(JsonElement token, string name)
        => token.TryGetProperty(name, out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? flag.GetBoolean()
            : false;

    private void Merge(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var document = ParseJsonFile(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerException($"{path}: expected a JSON object.");
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            _values[property.Name] = property.Value.Clone();
        }
    }

    /// <summary>Parses a JSON file, naming the file when it is malformed.</summary>
    public static JsonDocument ParseJsonFile(string path)
    {
        return IO.UntrustedJson.Parse(File.ReadAllBytes(path), path, (problem, e) => new TokenizerException(problem + ".", e), maxDepth: 256);
    }
}
