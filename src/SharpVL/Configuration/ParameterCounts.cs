namespace SharpVL.Configuration;

/// <summary>
/// Lower bounds on the parameters of the blocks every family is built from, for
/// <see cref="PretrainedConfig.EstimateParameterCount"/>. Biases and norms are left out (they only add), and the
/// arithmetic saturates instead of overflowing, so any config gives a number that can be compared with memory.
/// </summary>
public static class ParameterCounts
{
    /// <summary>A pre- or post-LN transformer stack: query, key, value and output projections plus the two MLP matrices.</summary>
    public static long TransformerStack(long layers, long hidden, long intermediate)
        => Saturate((double)layers * ((4.0 * hidden * hidden) + (2.0 * hidden * intermediate)));

    /// <summary>An embedding or position table (or a linear layer) of <paramref name="rows"/> × <paramref name="width"/>.</summary>
    public static long Table(long rows, long width) => Saturate((double)rows * width);

    /// <summary>The sum of <paramref name="parts"/>, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Sum(params long[] parts) => Saturate(parts.Sum(p => (double)p));

    private static long Saturate(double value) => value >= long.MaxValue ? long.MaxValue : (long)value;
}
