using System.Buffers.Binary;

namespace SharpVL.Processing.Text;

/// <summary>
/// SentencePiece's precompiled normalization rules (<c>NormalizerSpec.precompiled_charsmap</c>): a darts-clone
/// double-array trie over UTF-8 byte sequences whose values point into a pool of NUL-terminated replacements.
/// Blob layout: uint32 LE trie size in bytes, the trie's uint32 LE units, then the replacement pool.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _pool;

    public PrecompiledCharsMap(byte[] blob, string source)
    {
        if (blob.Length < 4)
        {
            throw new TokenizerException($"{source}: precompiled_charsmap is shorter than its 4-byte header.");
        }

        var trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieSize % 4 != 0 || trieSize > (uint)(blob.Length - 4) || trieSize == 0)
        {
            throw new TokenizerException($"{source}: precompiled_charsmap trie size {trieSize} does not fit the blob.");
        }

        _units = new uint[trieSize / 4];
        for (var i = 0; i < _units.Length; i++)
        {
            _units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + (i * 4)));
        }

        _pool = blob[(4 + (int)trieSize)..];
    }

    /// <summary>
    /// The longest rule matching a prefix of <paramref name="input"/>: its replacement bytes and how many input bytes
    /// it consumes, or consumed = 0 when no rule matches.
    /// </summary>
    public (ReadOnlyMemory<byte> Replacement, int Consumed) LongestMatch(ReadOnlySpan<byte> input)
    {
        var longest = 0;
        var value = 0u;
        uint node = 0;
        node ^= Offset(_units[0]);
        for (var i = 0; i < input.Length; i++)
        {
            node ^= input[i];
            if (node >= _units.Length)
            {
                break;
            }

            var unit = _units[node];
            if (Label(unit) != input[i])
            {
                break;
            }

            node ^= Offset(unit);
            if (node >= _units.Length)
            {
                break;
            }

            if (HasLeaf(unit))
            {
                longest = i + 1;
                value = _units[node] & 0x7FFFFFFFu;
            }
        }

        if (longest == 0)
        {
            return (ReadOnlyMemory<byte>.Empty, 0);
        }

        if (value >= _pool.Length)
        {
            throw new TokenizerException($"precompiled_charsmap: replacement offset {value} is outside the pool.");
        }

        var end = Array.IndexOf(_pool, (byte)0, (int)value);
        return (_pool.AsMemory((int)value, (end < 0 ? _pool.Length : end) - (int)value), longest);
    }

    // darts-clone unit encoding.
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
