using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>Checks of index tensors before an embedding lookup, written once for every family.</summary>
public static class IndexRange
{
    /// <summary>
    /// Throws when <paramref name="ids"/> holds a value outside [0, <paramref name="size"/>): an out-of-range index would
    /// otherwise fail deep inside libtorch with an unhelpful message. The reductions are disposed at once.
    /// </summary>
    /// <param name="ids">The indices (any shape).</param>
    /// <param name="size">The table size.</param>
    /// <param name="name">The input's Transformers name (<c>input_ids</c>).</param>
    /// <param name="limitName">The config field that sets <paramref name="size"/> (<c>vocab_size</c>).</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public static void Check(Tensor ids, long size, string name, string limitName)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.numel() == 0)
        {
            return;
        }
        using var minimum = ids.min();
        using var maximum = ids.max();
        var min = minimum.item<long>();
        var max = maximum.item<long>();
        if (min < 0 || max >= size)
        {
            throw new ArgumentException($"{name} must lie in [0, {size}) ({limitName}), got values from {min} to {max}.");
        }
    }
}
