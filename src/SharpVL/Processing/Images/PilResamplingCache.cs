using System.Collections.Concurrent;

namespace SharpVL.Processing.Images;

/// <summary>
/// Coefficient tables and vector plans by axis size, filter and channel count. Video frames all share one size, and
/// building these costs about a tenth of a vectorised 640x360 resize, so each is built once and reused; both are
/// immutable once built, hence safe to share across threads.
/// </summary>
internal static class PilResamplingCache
{
    /// <summary>Distinct sizes kept before starting over (a folder of photos of many sizes must not grow it without bound).</summary>
    private const int Capacity = 64;

    private static readonly ConcurrentDictionary<(int In, int Out, PilResample Filter), AxisCoefficients> Coefficients = new();
    private static readonly ConcurrentDictionary<(int In, int Out, PilResample Filter, int Channels), PilHorizontalVectorPlan> Plans = new();

    /// <summary><see cref="PilFilterKernels.Compute"/>, cached.</summary>
    internal static AxisCoefficients Axis(int inSize, int outSize, PilResample filter) =>
        GetOrAdd(Coefficients, (inSize, outSize, filter), ((int In, int Out, PilResample Filter) key) => PilFilterKernels.Compute(key.In, key.Out, key.Filter));

    /// <summary><see cref="PilHorizontalVectorPlan.Create"/> for the (cached) horizontal coefficients of this resize, cached.</summary>
    internal static PilHorizontalVectorPlan HorizontalPlan(int inWidth, int outWidth, PilResample filter, int channels) =>
        GetOrAdd(Plans, (inWidth, outWidth, filter, channels),
            ((int In, int Out, PilResample Filter, int Channels) key) => PilHorizontalVectorPlan.Create(Axis(key.In, key.Out, key.Filter), key.Channels, key.Out));

    private static TValue GetOrAdd<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> create)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var value))
        {
            return value;
        }
        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }
        return cache.GetOrAdd(key, create);
    }
}
