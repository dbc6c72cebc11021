namespace SharpVL.Checkpoints;

/// <summary>
/// Size arithmetic on shapes and strides read from untrusted files, checked so that no overflow can wrap a hostile
/// value into a plausible one: every helper answers null where the exact result does not fit in 63 bits.
/// </summary>
internal static class TensorExtent
{
    /// <summary>Most dimensions a tensor may have (libtorch's own limit).</summary>
    public const int MaxRank = 64;

    /// <summary>
    /// Bytes of a dense tensor of <paramref name="shape"/>, or null when the product overflows. Zero dimensions count as
    /// one here, so a shape like <c>[0, 2^62, 2^62]</c> (empty, but not constructible by libtorch) is refused too.
    /// </summary>
    public static long? DenseBytes(IReadOnlyList<long> shape, int elementSize)
    {
        long product = elementSize;
        foreach (var dim in shape)
        {
            if (dim < 0 || !TryMultiply(product, Math.Max(dim, 1), out product))
            {
                return null;
            }
        }
        return shape.Any(d => d == 0) ? 0 : product;
    }

    /// <summary>
    /// The storage elements a strided view touches, from its offset through its last element: (first, count), or null
    /// when the arithmetic overflows. An empty view touches nothing (count 0).
    /// </summary>
    public static (long First, long Count)? StridedRange(long offset, IReadOnlyList<long> size, IReadOnlyList<long> stride)
    {
        if (size.Any(d => d == 0))
        {
            return (offset, 0);
        }
        var last = 0L;
        for (var i = 0; i < size.Count; i++)
        {
            if (!TryMultiply(size[i] - 1, stride[i], out var reach) || !TryAdd(last, reach, out last))
            {
                return null;
            }
        }
        return TryAdd(last, 1, out var count) ? (offset, count) : null;
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/> for non-negative values, false on overflow.</summary>
    public static bool TryAdd(long a, long b, out long sum)
    {
        sum = unchecked(a + b);
        return a >= 0 && b >= 0 && sum >= 0;
    }

    /// <summary><paramref name="a"/> × <paramref name="b"/> for non-negative values, false on overflow.</summary>
    public static bool TryMultiply(long a, long b, out long product)
    {
        product = 0;
        if (a < 0 || b < 0)
        {
            return false;
        }
        if (a != 0 && b > long.MaxValue / a)
        {
            return false;
        }
        product = a * b;
        return true;
    }

    /// <summary>A shape or stride for messages: <c>[2, 3]</c>.</summary>
    public static string Format(IReadOnlyList<long> values) => $"[{string.Join(", ", values)}]";
}
