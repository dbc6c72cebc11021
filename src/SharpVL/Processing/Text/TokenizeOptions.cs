using System.Text.Json;

namespace SharpVL.Processing.Text;

/// <summary>
/// Call arguments of a Transformers tokenizer (<c>tokenizer(texts, padding=..., truncation=..., max_length=...,
/// add_special_tokens=...)</c>), with the same defaults and the same interplay as transformers 4.27.1.
/// </summary>
public sealed record TokenizeOptions
{
    /// <summary>Options equal to a call without keyword arguments (no padding, no truncation, special tokens added).</summary>
    public static TokenizeOptions Default { get; } = new();

    /// <summary>Padding strategy; padding is applied on the right.</summary>
    public PaddingStrategy Padding { get; init; } = PaddingStrategy.DoNotPad;

    /// <summary>
    /// Whether to truncate. <see langword="null"/> means "not given": like Python, truncation is then switched on
    /// only when <see cref="MaxLength"/> is set and <see cref="Padding"/> is <see cref="PaddingStrategy.DoNotPad"/>.
    /// </summary>
    public bool? Truncation { get; init; }

    /// <summary>Length limit for truncation and <see cref="PaddingStrategy.MaxLength"/>; null uses the model maximum.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Whether to wrap each sequence in the model's special tokens (e.g. <c>&lt;s&gt; ... &lt;/s&gt;</c>).</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>
    /// Builds options from a JSON object of Python keyword arguments, as stored in the fixtures' <c>kwargs</c>:
    /// <c>padding</c> (bool, "longest", "max_length", "do_not_pad"), <c>truncation</c> (bool, "longest_first",
    /// "only_first", "do_not_truncate", null), <c>max_length</c> (int or null), <c>add_special_tokens</c> (bool).
    /// <c>return_tensors</c> is accepted and ignored (use <see cref="BatchEncoding.ToTensors"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Not an object, an unknown key, or a value of the wrong kind.</exception>
    public static TokenizeOptions FromPythonKwargs(JsonElement kwargs)
    {
        if (kwargs.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Default;
        }

        if (kwargs.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Tokenizer kwargs must be a JSON object, got {kwargs.ValueKind}.", nameof(kwargs));
        }

        var options = Default;
        foreach (var property in kwargs.EnumerateObject())
        {
            var value = property.Value;
            options = property.Name switch
            {
                "padding" => options with { Padding = ParsePadding(value) },
                "truncation" => options with { Truncation = ParseTruncation(value) },
                "max_length" => options with { MaxLength = ParseMaxLength(value) },
                "add_special_tokens" => options with { AddSpecialTokens = ParseBool(value, "add_special_tokens") },
                "return_tensors" => options,
                _ => throw new ArgumentException($"Unsupported tokenizer keyword argument '{property.Name}'.", nameof(kwargs)),
            };
        }

        return options;
    }

    private static PaddingStrategy ParsePadding(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => PaddingStrategy.Longest,
        JsonValueKind.False or JsonValueKind.Null => PaddingStrategy.DoNotPad,
        JsonValueKind.String => PaddingStrategies.FromPython(value.GetString()!),
        _ => throw new ArgumentException($"'padding' must be a bool or a string, got {value.ValueKind}."),
    };

    private static bool? ParseTruncation(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString() switch
        {
            // Every truncation strategy cuts a single sequence the same way: from its end.
            "longest_first" or "only_first" or "only_second" => true,
            "do_not_truncate" => false,
            var other => throw new ArgumentException(
                $"Unknown truncation '{other}'. Use true/false, \"longest_first\", \"only_first\" or \"do_not_truncate\"."),
        },
        _ => throw new ArgumentException($"'truncation' must be a bool, a string or null, got {value.ValueKind}."),
    };

    private static int? ParseMaxLength(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var maxLength) || maxLength < 0)
        {
            throw new ArgumentException($"'max_length' must be a non-negative integer or null, got {value}.");
        }

        return maxLength;
    }

    private static bool ParseBool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ArgumentException($"'{name}' must be a bool, got {value.ValueKind}."),
    };
}
