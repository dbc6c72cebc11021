namespace SharpVL.Pipelines;

/// <summary>One candidate label's score for one video.</summary>
/// <param name="Label">The label as given (before the template was applied).</param>
/// <param name="Probability">Softmax over the label set of the video's logits.</param>
/// <param name="Logit">X-CLIP's <c>logits_per_video</c> entry (scaled cosine similarity).</param>
public sealed record LabelScore(string Label, double Probability, double Logit);

/// <summary>The scores of one video against a label set.</summary>
/// <param name="Source">Where the video came from (file path), or null for in-memory frames.</param>
/// <param name="FrameIndices">The frames the model saw, when read from a file.</param>
/// <param name="Scores">One score per label, in the label set's order.</param>
public sealed record ZeroShotVideoResult(string? Source, IReadOnlyList<int>? FrameIndices, IReadOnlyList<LabelScore> Scores)
{
    /// <summary>The scores sorted by decreasing probability (ties keep label order).</summary>
    public IReadOnlyList<LabelScore> Ranked => [.. Scores.OrderByDescending(s => s.Probability)];

    /// <summary>The most probable label.</summary>
    public LabelScore Best => Ranked[0];
}
