using System.Collections.Concurrent;
using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>
/// Byte-level BPE with an end-of-word suffix (CLIP's <c>bpe</c>): the word's UTF-8 bytes become alphabet symbols,
/// the last one carrying the suffix (<c>&lt;/w&gt;</c>), and adjacent pairs are merged lowest merge rank first.
/// </summary>
/// <remarks>
/// The merge loop uses a priority queue over a linked list of symbols (O(n log n)) instead of Python's "find the
/// best pair, rebuild the word" loop, which is quadratic on long words. Both merge equal-rank pairs left to right
/// and skip a pair whose symbol was consumed by the merge to its left, so they give the same symbols.
/// Written here rather than on Microsoft.ML.Tokenizers' BpeTokenizer: CLIP needs its own code-point-aware
/// pre-tokenizer, Python lowercasing, decoder and tokenizer.json loader anyway, and the merge core is this file.
/// </remarks>
internal sealed class BytePairModel
{
    private const int MaxCachedWordLength = 128;
    private const int MaxCacheEntries = 20_000;

    private readonly Dictionary<long, (int Rank, int MergedId)> _merges;
    private readonly int[] _symbolIds = new int[256];
    private readonly int[] _lastSymbolIds = new int[256];
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    /// <param name="vocab">Token string → id.</param>
    /// <param name="mergePairs">Merges in rank order (first = applied first).</param>
    /// <param name="endOfWordSuffix">Suffix of a word's last symbol (<c>&lt;/w&gt;</c>).</param>
    /// <param name="unknownId">Id used for a byte symbol missing from the vocabulary.</param>
    /// <param name="source">File name for error messages.</param>
    public BytePairModel(
        IReadOnlyDictionary<string, int> vocab,
        IReadOnlyList<(string Left, string Right)> mergePairs,
        string endOfWordSuffix,
        int unknownId,
        string source)
    {
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ByteToChar[b].ToString();
            _symbolIds[b] = vocab.TryGetValue(symbol, out var id) ? id : unknownId;
            _lastSymbolIds[b] = vocab.TryGetValue(symbol + endOfWordSuffix, out var lastId) ? lastId : unknownId;
        }

        _merges = new Dictionary<long, (int, int)>(mergePairs.Count);
        for (var rank = 0; rank < mergePairs.Count; rank++)
        {
            var (left, right) = mergePairs[rank];
            if (!vocab.TryGetValue(left, out var leftId) || !vocab.TryGetValue(right, out var rightId)
                || !vocab.TryGetValue(left + right, out var mergedId))
            {
                throw new TokenizerException(
                    $"{source}: merge {rank} ('{left} {right}') uses a token that is not in the vocabulary.");
            }

            // A later duplicate of a merge never applies (the first rank wins), as in Python's dict(zip(merges, ...)).
            _merges.TryAdd(PairKey(leftId, rightId), (rank, mergedId));
        }
    }

    /// <summary>Appends the BPE token ids of one pre-tokenized word.</summary>
    public void EncodeWord(string word, List<long> output)
    {
        if (_cache.TryGetValue(word, out var cached))
        {
            foreach (var id in cached)
            {
                output.Add(id);
            }

            return;
        }

        var ids = Merge(Encoding.UTF8.GetBytes(word));
        if (word.Length <= MaxCachedWordLength && _cache.Count < MaxCacheEntries)
        {
            _cache.TryAdd(word, ids);
        }

        foreach (var id in ids)
        {
            output.Add(id);
        }
    }

    private int[] Merge(byte[] bytes)
    {
        var count = bytes.Length;
        if (count == 0)
        {
            return [];
        }

        var ids = new int[count];
        var next = new int[count];
        var previous = new int[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = i == count - 1 ? _lastSymbolIds[bytes[i]] : _symbolIds[bytes[i]];
            next[i] = i + 1 < count ? i + 1 : -1;
            previous[i] = i - 1;
        }

        // Queue entries are (left symbol position, its id, right id); stale ones are skipped when popped.
        var queue = new PriorityQueue<(int Left, int LeftId, int RightId), (int Rank, int Left)>();
        for (var i = 0; i + 1 < count; i++)
        {
            Enqueue(queue, i, ids[i], ids[i + 1]);
        }

        while (queue.TryDequeue(out var entry, out _))
        {
            var left = entry.Left;
            var right = next[left];
            if (ids[left] != entry.LeftId || right < 0 || ids[right] != entry.RightId)
            {
                continue;
            }

            ids[left] = _merges[PairKey(entry.LeftId, entry.RightId)].MergedId;
            ids[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = left;
                Enqueue(queue, left, ids[left], ids[next[left]]);
            }

            if (previous[left] >= 0)
            {
                Enqueue(queue, previous[left], ids[previous[left]], ids[left]);
            }
        }

        var result = new List<int>();
        for (var i = 0; i >= 0; i = next[i])
        {
            result.Add(ids[i]);
        }

        return [.. result];
    }

    private void Enqueue(PriorityQueue<(int, int, int), (int, int)> queue, int left, int leftId, int rightId)
    {
        if (_merges.TryGetValue(PairKey(leftId, rightId), out var merge))
        {
            queue.Enqueue((left, leftId, rightId), (merge.Rank, left));
        }
    }

    private static long PairKey(int leftId, int rightId) => ((long)leftId << 32) | (uint)rightId;
}
