using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>A piece the unigram segmenter may emit.</summary>
/// <param name="Piece">Piece text (with "▁" for spaces).</param>
/// <param name="Score">Log-probability from the model.</param>
/// <param name="Id">Id written to the output for this piece.</param>
/// <param name="UserDefined">User-defined pieces are scored by length instead of <paramref name="Score"/>.</param>
internal readonly record struct UnigramPiece(string Piece, float Score, long Id, bool UserDefined);

/// <summary>
/// SentencePiece unigram segmentation (0.1.97 <c>Model::EncodeOptimized</c>): Viterbi best path over the pieces,
/// one unknown node per character no piece covers (score = min piece score − 10), then runs of unknown pieces
/// fused into one, as <c>SentencePieceProcessor::Encode</c> does.
/// </summary>
internal sealed class UnigramModel
{
    private const float UnknownPenalty = 10.0f;

    private readonly Dictionary<string, UnigramPiece>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _prefixes;
    private readonly int _maxPieceLength;
    private readonly float _unknownScore;
    private readonly float _maxScore;
    private readonly long _unknownId;

    /// <param name="pieces">Pieces that can be matched (normal, user-defined).</param>
    /// <param name="minScore">Lowest score of the normal pieces.</param>
    /// <param name="maxScore">Highest score of the normal pieces.</param>
    /// <param name="unknownId">Output id of the unknown piece.</param>
    public UnigramModel(IEnumerable<UnigramPiece> pieces, float minScore, float maxScore, long unknownId)
    {
        var table = new Dictionary<string, UnigramPiece>(StringComparer.Ordinal);
        foreach (var piece in pieces)
        {
            if (piece.Piece.Length > 0)
            {
                table.TryAdd(piece.Piece, piece); // SentencePiece keeps the first of duplicate pieces.
            }
        }

        _lookup = table.GetAlternateLookup<ReadOnlySpan<char>>();
        // Every prefix of every piece: the scan from one position stops at the first text that starts no piece.
        var prefixSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var piece in table.Keys)
        {
            for (var length = 1; length <= piece.Length; length++)
            {
                prefixSet.Add(piece[..length]);
            }
        }

        _prefixes = prefixSet.GetAlternateLookup<ReadOnlySpan<char>>();
        _maxPieceLength = table.Count == 0 ? 0 : table.Keys.Max(piece => piece.Length);
        _unknownScore = minScore - UnknownPenalty;
        _maxScore = maxScore;
        _unknownId = unknownId;
    }

    /// <summary>Segments a normalized text, appending ids and, when asked, piece strings (the unknown text for unknowns).</summary>
    public void Encode(string normalized, List<long> ids, List<string>? pieces = null)
    {
        var size = normalized.Length;
        if (size == 0)
        {
            return;
        }

        // Best path ending at each UTF-16 offset: its score, where its last piece starts, and that piece's id.
        var bestScore = new float[size + 1];
        var startsAt = new int[size + 1];
        var nodeId = new long[size + 1];
        Array.Fill(startsAt, -1);

        var start = 0;
        while (start < size)
        {
            var scoreHere = bestScore[start];
            var charLength = char.IsHighSurrogate(normalized[start]) && start + 1 < size ? 2 : 1;
            var hasSingleCharPiece = false;
            var longest = Math.Min(_maxPieceLength, size - start);
            for (var length = 1; length <= longest; length++)
            {
                var candidateText = normalized.AsSpan(start, length);
                if (!_prefixes.Contains(candidateText))
                {
                    break;
                }

                if (!_lookup.TryGetValue(candidateText, out var piece))
                {
                    continue;
                }

                var end = start + length;
                // As in C++: the piece score is a double (user-defined pieces: UTF-8 length * max score - 0.1).
                var score = piece.UserDefined
                    ? (Encoding.UTF8.GetByteCount(normalized.AsSpan(start, length)) * _maxScore) - 0.1
                    : piece.Score;
                var candidate = score + scoreHere;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = (float)candidate;
                    startsAt[end] = start;
                    nodeId[end] = piece.Id;
                }

                hasSingleCharPiece |= length == charLength;
            }

            if (!hasSingleCharPiece)
            {
                var end = start + charLength;
                var candidate = _unknownScore + scoreHere;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    nodeId[end] = _unknownId;
                }
            }

            start += charLength;
        }

        var path = new List<(int Start, int End, long Id)>();
        for (var end = size; end > 0; end = startsAt[end])
        {
            path.Add((startsAt[end], end, nodeId[end]));
        }

        path.Reverse();
        var previousUnknown = false;
        foreach (var (pieceStart, pieceEnd, id) in path)
        {
            var isUnknown = id == _unknownId;
            if (isUnknown && previousUnknown)
            {
                // Fuse a run of unknown characters into one unknown piece.
                if (pieces is not null)
                {
                    pieces[^1] += normalized[pieceStart..pieceEnd];
                }
            }
            else
            {
                ids.Add(id);
                pieces?.Add(normalized[pieceStart..pieceEnd]);
            }

            previousUnknown = isUnknown;
        }
    }
}
