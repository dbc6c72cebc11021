namespace SharpVL.Training;

/// <summary>
/// Derives independent, reproducible seeds from a run seed and a position (epoch, example, step) with SplitMix64, so
/// every random draw of a run depends only on where it happens, not on thread timing or on where a run was resumed.
/// </summary>
public static class SeedSequence
{
    /// <summary>A 31-bit seed for <see cref="Random"/> from <paramref name="seed"/> and the <paramref name="position"/>.</summary>
    public static int Derive(long seed, params long[] position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var state = unchecked((ulong)seed);
        foreach (var part in position)
        {
            state = Mix(state ^ Mix(unchecked((ulong)part) + 0x9E3779B97F4A7C15UL));
        }
        return (int)(state & 0x7FFFFFFF);
    }

    /// <summary>A <see cref="Random"/> seeded by <see cref="Derive"/>.</summary>
    public static Random Random(long seed, params long[] position) => new(Derive(seed, position));

    private static ulong Mix(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
