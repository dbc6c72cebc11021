namespace SharpVL.Configuration;

/// <summary>
/// A configuration file (<c>config.json</c>, <c>preprocessor_config.json</c>) or a config object built in code holds a
/// value no model can be built or run with: a zero, negative, absurdly large or indivisible dimension, an unknown
/// activation, an unparsable value. The message names the file and the field; <see cref="Field"/> is the field's
/// dotted path (<c>vision_config.patch_size</c>).
/// </summary>
public sealed class ConfigException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (or, for a config built in code, the config class) the value comes from.</param>
    /// <param name="field">The field's dotted path, or null when the problem is the whole file.</param>
    /// <param name="problem">What is wrong, e.g. <c>must be positive, got 0</c>.</param>
    /// <param name="path">The file, when there is one.</param>
    /// <param name="innerException">The lower-level error, kept for diagnostics.</param>
    public ConfigException(string source, string? field, string problem, string? path = null, Exception? innerException = null)
        : this(source, field, problem, path, innerException, problemNamesField: false)
    {
    }

    /// <summary>Creates the exception from a <paramref name="problem"/> that already names the field in its own words.</summary>
    internal ConfigException(string source, string? field, string problem, string? path, Exception? innerException, bool problemNamesField)
        : base(field is null || problemNamesField ? $"{source}: {problem}" : $"{source}: '{field}' {problem}", path, innerException)
    {
        ConfigSource = source;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file, or the config class for a config built in code.</summary>
    public string ConfigSource { get; }

    /// <summary>What is wrong with the field, without the file and field names.</summary>
    public string Problem { get; }

    /// <summary>The field's dotted path (<c>text_config.hidden_size</c>), or null.</summary>
    public string? Field { get; }
}
