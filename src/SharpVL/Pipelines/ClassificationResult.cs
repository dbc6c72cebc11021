using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>What a classification pipeline found for one input (the same shape for every pipeline).</summary>
/// <param name="Source">The file, when the input came from one.</param>
/// <param name="FrameIndices">The video frames the model saw (empty for images).</param>
/// <param name="Labels">Labels with their probabilities (softmax over all labels), most probable first, ties in label
/// order; cut to <see cref="ClassificationOptions.TopK"/> when set. <see cref="LabelScore.Index"/> is the class index
/// (<c>id2label</c> key) or the position in the candidate labels.</param>
/// <param name="Logits">The model's logits for every label, by index.</param>
public sealed record ClassificationResult(string? Source, IReadOnlyList<int> FrameIndices, IReadOnlyList<LabelScore> Labels, IReadOnlyList<float> Logits)
{
    /// <summary>The most probable label.</summary>
    public LabelScore Best => Labels[0];

    /// <summary>Damage met while decoding the video file (clean for images and in-memory frames). When a damaged stream
    /// is shorter than its container announced, the frames were chosen again among those that decode.</summary>
    public DecodeReport Damage { get; init; } = DecodeReport.Clean;

    /// <summary>Ranks one 1-D row of logits (softmax in float32).</summary>
    internal static ClassificationResult FromLogits(string? source, IReadOnlyList<int> frameIndices, Tensor logits, Func<int, string> labelOf, int? topK)
    {
        using var host = logits.to(ScalarType.Float32).cpu();
        return new ClassificationResult(source, frameIndices, LabelScores.TopK(host, labelOf, topK), host.data<float>().ToArray());
    }
}

/// <summary>One input of <see cref="IClassificationPipeline.ClassifyFilesAsync"/>: its result, or why it failed.</summary>
/// <param name="Input">The file, as given.</param>
/// <param name="Result">The result; null when the input failed.</param>
/// <param name="Error">Why the input failed; null when it succeeded.</param>
public sealed record ClassificationOutcome(string Input, ClassificationResult? Result, Exception? Error)
{
    /// <summary>Whether the input was classified.</summary>
    public bool Succeeded => Error is null;
}
