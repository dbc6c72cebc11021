namespace SharpVL.Processing.Video;

/// <summary>
/// The subset of numpy 1.24's legacy <c>np.random.RandomState</c> (MT19937) needed to reproduce Python frame
/// sampling: seeding as <c>np.random.seed(int)</c> does and <c>randint</c> for the default int64 dtype.
/// </summary>
/// <remarks>
/// Seeding (<c>_legacy_seeding</c> → <c>mt19937_seed</c>) is Matsumoto &amp; Nishimura's <c>init_genrand</c>:
/// key[0] = seed, key[i] = 1812433253 * (key[i-1] ^ (key[i-1] &gt;&gt; 30)) + i, then a full twist before the first
/// output. <c>randint(low, high)</c> (legacy, int64, masked) draws with <c>random_bounded_uint64_fill</c>: with
/// rng = high - low - 1, a range that fits 32 bits takes 32-bit outputs <c>v &amp; mask</c> (mask = smallest
/// all-ones value &gt;= rng) and rejects while v &gt; rng; rng == 0xFFFFFFFF takes raw 32-bit outputs; wider ranges do
/// the same with 64-bit outputs built as (first &lt;&lt; 32) | second.
/// </remarks>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _key = new uint[N];
    private int _pos;

    /// <summary>Seeds like <c>np.random.seed(seed)</c> / <c>np.random.RandomState(seed)</c> for an int seed.</summary>
    public NumpyRandomState(uint seed)
    {
        _key[0] = seed;
        for (int i = 1; i < N; i++)
        {
            _key[i] = unchecked(1812433253u * (_key[i - 1] ^ (_key[i - 1] >> 30)) + (uint)i);
        }
        _pos = N;
    }

    /// <summary>The next raw 32-bit MT19937 output (tempered).</summary>
    public uint NextUInt32()
    {
        if (_pos == N)
        {
            Twist();
        }
        uint y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// <c>randint(low, high)</c>: a uniform int64 in [low, high) drawn exactly as numpy's legacy generator does.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> &gt;= <paramref name="high"/> (numpy: "low &gt;= high").</exception>
    public long RandInt(long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException($"randint needs low < high, got low={low}, high={high}.");
        }
        ulong rng = unchecked((ulong)(high - 1 - low));
        ulong off = unchecked((ulong)low);
        if (rng == 0)
        {
            return low;
        }
        if (rng <= uint.MaxValue)
        {
            if (rng == uint.MaxValue)
            {
                return unchecked((long)(off + NextUInt32()));
            }
            uint mask32 = (uint)Mask(rng);
            uint v;
            while ((v = NextUInt32() & mask32) > rng)
            {
            }
            return unchecked((long)(off + v));
        }
        ulong mask = Mask(rng);
        ulong w;
        while ((w = NextUInt64() & mask) > rng)
        {
        }
        return unchecked((long)(off + w));
    }

    /// <summary><c>randint(low, high, size=count)</c>: the same draws, in order.</summary>
    public long[] RandInt(long low, long high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = RandInt(low, high);
        }
        return result;
    }

    private ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    /// <summary>numpy's <c>gen_mask</c>: the smallest 2^k - 1 that is &gt;= <paramref name="max"/>.</summary>
    private static ulong Mask(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        return mask;
    }

    private void Twist()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        for (int i = 0; i < N; i++)
        {
            uint y = (_key[i] & upper) | (_key[(i + 1) % N] & lower);
            _key[i] = _key[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? matrixA : 0u);
        }
        _pos = 0;
    }
}
