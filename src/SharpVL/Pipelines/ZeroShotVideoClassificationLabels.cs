using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Candidate labels prepared once for <see cref="ZeroShotVideoClassifier"/>: the prompts built from the template
/// and their projected text features (<c>get_text_features</c>), which every video batch reuses. Dispose it when done.
/// </summary>
public sealed class ZeroShotLabelSet : IDisposable
{
    internal ZeroShotLabelSet(IReadOnlyList<string> labels, IReadOnlyList<string> prompts, Tensor textFeatures)
    {
        Labels = labels;
        Prompts = prompts;
        TextFeatures = textFeatures;
    }

    /// <summary>The labels as given.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The texts fed to the model (the template applied to each label).</summary>
    public IReadOnlyList<string> Prompts { get; }

    /// <summary>Projected text features [labels, projection_dim], before the video-specific prompts.</summary>
    public Tensor TextFeatures { get; }

    /// <summary>Fills a template's <c>{}</c> placeholder with <paramref name="label"/>, as Python's <c>str.format</c> would.</summary>
    /// <exception cref="ArgumentException">The template has no <c>{}</c>.</exception>
    public static string ApplyTemplate(string template, string label)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(label);
        if (!template.Contains("{}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The hypothesis template '{template}' has no '{{}}' placeholder for the label.", nameof(template));
        }
        return template.Replace("{}", label, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public void Dispose() => TextFeatures.Dispose();
}
