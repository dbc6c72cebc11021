using SharpVL.Processing.Video;

namespace SharpVL.Pipelines;

/// <summary>The scores of one video against a zero-shot label set.</summary>
/// <param name="Source">Where the video came from (file path), or null for in-memory frames.</param>
/// <param name="FrameIndices">The frames the model saw.</param>
/// <param name="Labels">Every candidate label with its probability (softmax over the label set), most probable first;
/// <see cref="LabelScore.Index"/> is the label's position in the candidate list.</param>
/// <param name="Logits">X-CLIP's <c>logits_per_video</c> row, in candidate order.</param>
public sealed record ZeroShotVideoResult(string? Source, IReadOnlyList<int> FrameIndices, IReadOnlyList<LabelScore> Labels, IReadOnlyList<float> Logits)
{
    /// <summary>Damage met while decoding the file (clean for in-memory frames); frames are chosen again among those that
    /// decode when the stream is shorter than announced.</summary>
    public DecodeReport Damage { get; init; } = DecodeReport.Clean;

    /// <summary>The most probable label.</summary>
    public LabelScore Best => Labels[0];
}
