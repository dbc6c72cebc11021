using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>
/// Candidate labels prepared once for <see cref="ZeroShotVideoClassificationPipeline"/>: the prompts built from the template
/// and their projected text features (<c>get_text_features</c>), which every video batch reuses. Dispose it when done.
/// </summary>
public sealed class ZeroShotLabelSet : IDisposable
{
    internal ZeroShotLabelSet(IReadOnlyList<string> labels, string template, IReadOnlyList<string> prompts, Tensor textFeatures)
    {
        Labels = labels;
        Template = template;
        Prompts = prompts;
        TextFeatures = textFeatures;
    }

    /// <summary>The labels as given.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The hypothesis template the prompts were made with.</summary>
    public string Template { get; }

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

    /// <summary>Checks a candidate label list: at least one label, none blank, none twice.</summary>
    /// <exception cref="ArgumentException">The list breaks one of those rules.</exception>
    public static void CheckLabels(IReadOnlyList<string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            throw new ArgumentException("At least one candidate label is needed.", nameof(labels));
        }
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(labels[i]))
            {
                throw new ArgumentException($"The candidate label at position {i} is empty.", nameof(labels));
            }
        }
        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Candidate label '{duplicate.Key}' is given twice.", nameof(labels));
        }
    }

    internal bool Matches(IReadOnlyList<string> labels, string template)
        => string.Equals(template, Template, StringComparison.Ordinal) && labels.SequenceEqual(Labels, StringComparer.Ordinal);

    /// <inheritdoc />
    public void Dispose() => TextFeatures.Dispose();
}
