namespace SharpVL.Processing.Text;

/// <summary>How a batch is padded (Transformers' <c>PaddingStrategy</c>); padding is always on the right.</summary>
public enum PaddingStrategy
{
    /// <summary>No padding (<c>padding=False</c> / <c>"do_not_pad"</c>): sequences keep their own lengths.</summary>
    DoNotPad,

    /// <summary>Pad to the longest sequence of the batch (<c>padding=True</c> / <c>"longest"</c>).</summary>
    Longest,

    /// <summary>Pad to <c>max_length</c>, or to the model maximum when none is given (<c>padding="max_length"</c>).</summary>
    MaxLength,
}

/// <summary>Conversions from the values Python callers pass as <c>padding=</c>.</summary>
public static class PaddingStrategies
{
    /// <summary>Maps Python's boolean <c>padding</c> argument: <c>True</c> means longest, <c>False</c> no padding.</summary>
    public static PaddingStrategy FromPython(bool padding) => padding ? PaddingStrategy.Longest : PaddingStrategy.DoNotPad;

    /// <summary>
    /// Maps Python's string <c>padding</c> argument (<c>"longest"</c>, <c>"max_length"</c>, <c>"do_not_pad"</c>);
    /// <c>"true"</c>/<c>"false"</c> are accepted as spelled booleans.
    /// </summary>
    /// <exception cref="ArgumentException">The value names no padding strategy.</exception>
    public static PaddingStrategy FromPython(string padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        return padding.Trim().ToLowerInvariant() switch
        {
            "longest" or "true" => PaddingStrategy.Longest,
            "max_length" => PaddingStrategy.MaxLength,
            "do_not_pad" or "false" => PaddingStrategy.DoNotPad,
            _ => throw new ArgumentException(
                $"Unknown padding '{padding}'. Use true/false, \"longest\", \"max_length\" or \"do_not_pad\".", nameof(padding)),
        };
    }
}
