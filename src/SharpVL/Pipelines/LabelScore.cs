using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>One label with its probability.</summary>
/// <param name="Index">Class index (key of <c>id2label</c>, or position in the candidate list).</param>
/// <param name="Label">Label text.</param>
/// <param name="Score">Probability.</param>
public sealed record LabelScore(int Index, string Label, float Score);

/// <summary>Softmax and top-k over one row of logits.</summary>
public static class LabelScores
{
    /// <summary>The <paramref name="topK"/> most probable labels (null = all) of a 1-D logits row (softmax in float32), ties in index order.</summary>
    public static IReadOnlyList<LabelScore> TopK(Tensor logits, Func<int, string> labelOf, int? topK = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labelOf);
        using var probabilities = logits.to(ScalarType.Float32).softmax(-1).cpu();
        var values = probabilities.data<float>().ToArray();
        return values
            .Select((score, index) => new LabelScore(index, labelOf(index), score))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Index)
            .Take(topK ?? values.Length)
            .ToList();
    }
}
