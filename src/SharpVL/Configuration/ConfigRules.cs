namespace SharpVL.Configuration;

/// <summary>
/// The checks a config declares for its fields in <see cref="PretrainedConfig.ValidateFields"/> — one vocabulary for
/// every family: a failing check throws a <see cref="ConfigException"/> naming the file and the field's dotted path.
/// </summary>
public sealed class ConfigRules
{
    private readonly string _source;
    private readonly string? _path;
    private readonly string _prefix;

    internal ConfigRules(string source, string? path, string prefix = "")
    {
        _source = source;
        _path = path;
        _prefix = prefix;
    }

    /// <summary>A size that must be at least 1 and at most <paramref name="max"/>.</summary>
    public void Dimension(string field, long value, long max)
    {
        if (value < 1 || value > max)
        {
            throw Fail(field, value < 1 ? $"must be positive, got {value}" : $"is {value}, above the limit of {max}");
        }
    }

    /// <summary>A count that may be 0 (e.g. layers of an optional stack) and is at most <paramref name="max"/>.</summary>
    public void Count(string field, long value, long max)
    {
        if (value < 0 || value > max)
        {
            throw Fail(field, value < 0 ? $"must not be negative, got {value}" : $"is {value}, above the limit of {max}");
        }
    }

    /// <summary>A positive <paramref name="divisor"/> that divides <paramref name="value"/> (checked as a dimension first).</summary>
    public void Divides(string divisorField, long divisor, string valueField, long value, long max)
    {
        Dimension(divisorField, divisor, max);
        if (value % divisor != 0)
        {
            throw Fail(divisorField, $"({divisor}) must divide '{Qualified(valueField)}' ({value})");
        }
    }

    /// <summary>
    /// The shape of a transformer stack, as Transformers names it with an optional field prefix (<c>decoder_</c>):
    /// <c>hidden_size</c>, <c>num_attention_heads</c> dividing it, <c>num_hidden_layers</c> and <c>intermediate_size</c>.
    /// </summary>
    public void TransformerStack(string fieldPrefix, long hiddenSize, long attentionHeads, long hiddenLayers, long intermediateSize)
    {
        Dimension(fieldPrefix + "hidden_size", hiddenSize, ConfigLimits.MaxWidth);
        Divides(fieldPrefix + "num_attention_heads", attentionHeads, fieldPrefix + "hidden_size", hiddenSize, ConfigLimits.MaxWidth);
        Count(fieldPrefix + "num_hidden_layers", hiddenLayers, ConfigLimits.MaxLayers);
        Dimension(fieldPrefix + "intermediate_size", intermediateSize, ConfigLimits.MaxWidth);
    }

    /// <summary>A probability (dropout, mask ratio): finite, from 0 to 1.</summary>
    public void Probability(string field, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw Fail(field, $"must be between 0 and 1, got {Format(value)}");
        }
    }

    /// <summary>A finite number greater than 0 (a LayerNorm epsilon).</summary>
    public void PositiveFinite(string field, double value)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw Fail(field, $"must be a finite number above 0, got {Format(value)}");
        }
    }

    /// <summary>A finite number (no NaN or infinity), e.g. a scale's initial value.</summary>
    public void Finite(string field, double value)
    {
        if (!double.IsFinite(value))
        {
            throw Fail(field, $"must be a finite number, got {Format(value)}");
        }
    }

    /// <summary>One of the <paramref name="allowed"/> strings (null allowed only when <paramref name="allowNull"/>).</summary>
    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool allowNull = false)
    {
        if (value is null ? !allowNull : !allowed.Contains(value))
        {
            throw Fail(field, $"must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}, got {(value is null ? "null" : $"'{TextForMessages.Printable(value)}'")}");
        }
    }

    /// <summary>Any other rule: throws with <paramref name="problem"/> unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw Fail(field, problem);
        }
    }

    /// <summary>Checks a sub-config (<c>text_config</c>, <c>vision_config</c>) with its fields under <paramref name="key"/>.</summary>
    public void Nested(string key, PretrainedConfig? config)
    {
        if (config is null)
        {
            throw Fail(key, "is missing");
        }
        config.ValidateFields(new ConfigRules(_source, _path, Qualified(key) + "."));
    }

    /// <summary>The exception for <paramref name="field"/> (for checks that need their own wording).</summary>
    public ConfigException Fail(string field, string problem) => new(_source, Qualified(field), problem + ".", _path);

    private string Qualified(string field) => _prefix + field;

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
