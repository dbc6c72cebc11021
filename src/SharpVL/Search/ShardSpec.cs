using System.Globalization;
using System.Text;

namespace SharpVL.Search;

/// <summary>
/// One of N disjoint shares of a collection (<c>--shard i/N</c>, i from 0): a file belongs to shard
/// <c>FNV-1a-64(UTF-8 full path) mod N</c>, a hash that is the same on every machine and run, so N workers that see the
/// files under the same paths (a Kubernetes indexed Job, a Slurm array) split the work without talking to each other.
/// </summary>
/// <param name="Index">This worker's share, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Number of shares.</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>Everything (shard 0/1).</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Parses <c>i/N</c>.</summary>
    /// <exception cref="ArgumentException">Not of the form i/N with 0 ≤ i &lt; N.</exception>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || index >= count)
        {
            throw new ArgumentException($"--shard must be i/N with 0 <= i < N (e.g. 0/4), got '{text}'.");
        }
        return new ShardSpec(index, count);
    }

    /// <summary>Whether the file at <paramref name="fullPath"/> is in this shard.</summary>
    public bool Contains(string fullPath) => Count == 1 || (int)(StableHash(fullPath) % (ulong)Count) == Index;

    /// <summary>FNV-1a 64 of the UTF-8 bytes: fixed by definition, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static ulong StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
