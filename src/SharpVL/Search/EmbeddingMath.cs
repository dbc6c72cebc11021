using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>The small amount of vector arithmetic search needs.</summary>
public static class EmbeddingMath
{
    /// <summary>Rows of a [n, d] tensor, each divided by its L2 norm, as float32 arrays.</summary>
    public static float[][] NormalizedRows(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        var f = features.to(ScalarType.Float32).cpu();
        var normalized = (f / f.norm(-1, true, 2)).contiguous();
        var values = normalized.data<float>().ToArray();
        int rows = (int)normalized.shape[0], columns = (int)normalized.shape[1];
        return [.. Enumerable.Range(0, rows).Select(r => values.AsSpan(r * columns, columns).ToArray())];
    }

    /// <summary>The dot product (cosine similarity of normalised vectors).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
