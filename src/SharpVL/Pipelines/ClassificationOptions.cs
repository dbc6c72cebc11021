namespace SharpVL.Pipelines;

/// <summary>Per-call settings of a classification pipeline (the keyword arguments of a Transformers pipeline call).</summary>
public sealed record ClassificationOptions
{
    /// <summary>How many labels each result keeps, most probable first; null = all. Must be at least 1 when set.</summary>
    public int? TopK { get; init; }

    /// <summary>The labels a zero-shot pipeline scores (required there); other pipelines take theirs from <c>id2label</c>.</summary>
    public IReadOnlyList<string>? CandidateLabels { get; init; }

    /// <summary>
    /// Zero-shot pipelines: how a label becomes the text the model embeds; <c>{}</c> is replaced by the label. Null uses
    /// the pipeline's default (<see cref="ZeroShotVideoClassificationPipeline.DefaultTemplate"/>,
    /// <see cref="ZeroShotImageClassificationPipeline.DefaultTemplate"/>).
    /// </summary>
    public string? HypothesisTemplate { get; init; }

    /// <summary>Video pipelines: which frames the model sees; null = <see cref="FrameSelection.Uniform"/>.</summary>
    public FrameSelection? Frames { get; init; }

    /// <summary>Every default.</summary>
    public static ClassificationOptions Default { get; } = new();

    /// <summary>Checks the settings against what a pipeline takes.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or does not apply to the pipeline.</exception>
    internal ClassificationOptions Validate(string task, bool zeroShot, bool video)
    {
        if (TopK is < 1)
        {
            throw new ArgumentException($"TopK must be at least 1 (null returns every label); it is {TopK}.");
        }
        if (!zeroShot && (CandidateLabels is not null || HypothesisTemplate is not null))
        {
            throw new ArgumentException(
                $"The {task} pipeline takes its labels from the model's id2label; CandidateLabels and HypothesisTemplate are for zero-shot pipelines.");
        }
        if (zeroShot)
        {
            ZeroShotLabelSet.CheckLabels(CandidateLabels);
            if (HypothesisTemplate is not null)
            {
                ZeroShotLabelSet.ApplyTemplate(HypothesisTemplate, "");
            }
        }
        if (!video && Frames is not null)
        {
            throw new ArgumentException($"The {task} pipeline takes images; Frames applies to video pipelines.");
        }
        return this;
    }
}
