using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>
/// SentencePiece's <c>Normalizer::Normalize</c> (0.1.97): user-defined pieces kept verbatim, the precompiled
/// rules (e.g. nmt_nfkc), leading/trailing/repeated spaces removed, a dummy "▁" prefix, spaces escaped as "▁".
/// </summary>
internal sealed class SentencePieceNormalizer
{
    private static readonly byte[] SpaceSymbol = Encoding.UTF8.GetBytes("\u2581");
    private static readonly byte[] Space = [(byte)' '];
    private static readonly byte[] ReplacementChar = Encoding.UTF8.GetBytes("\uFFFD");

    private readonly NormalizerSpec _spec;
    private readonly PrecompiledCharsMap? _charsMap;
    private readonly byte[][] _userDefinedPieces;

    public SentencePieceNormalizer(NormalizerSpec spec, IEnumerable<string> userDefinedPieces, string source)
    {
        _spec = spec;
        _charsMap = spec.PrecompiledCharsMap.Length == 0 ? null : new PrecompiledCharsMap(spec.PrecompiledCharsMap, source);
        _userDefinedPieces = [.. userDefinedPieces.Select(Encoding.UTF8.GetBytes).OrderByDescending(piece => piece.Length)];
    }

    /// <summary>Normalizes a text; returns "" when it holds only whitespace.</summary>
    public string Normalize(string text)
    {
        ReadOnlySpan<byte> input = Encoding.UTF8.GetBytes(text); // Lone surrogates become U+FFFD.
        if (_spec.RemoveExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                var consumed = NormalizePrefix(input, out var replacement);
                if (!replacement.SequenceEqual(Space))
                {
                    break;
                }

                input = input[consumed..];
            }
        }

        if (input.IsEmpty)
        {
            return string.Empty;
        }

        var output = new List<byte>(input.Length + 8);
        var escapedSpace = _spec.EscapeWhitespaces ? SpaceSymbol : Space;
        if (_spec.AddDummyPrefix)
        {
            output.AddRange(escapedSpace);
        }

        var previousIsSpace = _spec.RemoveExtraWhitespaces;
        while (!input.IsEmpty)
        {
            var consumed = NormalizePrefix(input, out var piece);
            if (previousIsSpace && _spec.RemoveExtraWhitespaces)
            {
                while (!piece.IsEmpty && piece[0] == (byte)' ')
                {
                    piece = piece[1..];
                }
            }

            if (!piece.IsEmpty)
            {
                foreach (var b in piece)
                {
                    if (_spec.EscapeWhitespaces && b == (byte)' ')
                    {
                        output.AddRange(SpaceSymbol);
                    }
                    else
                    {
                        output.Add(b);
                    }
                }

                previousIsSpace = piece[^1] == (byte)' ';
            }

            input = input[consumed..];
            if (!_spec.RemoveExtraWhitespaces)
            {
                previousIsSpace = false;
            }
        }

        if (_spec.RemoveExtraWhitespaces)
        {
            while (EndsWith(output, escapedSpace))
            {
                output.RemoveRange(output.Count - escapedSpace.Length, escapedSpace.Length);
            }
        }

        return Encoding.UTF8.GetString([.. output]);
    }

    // Returns the number of input bytes consumed and, in replacement, what they normalize to.
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        foreach (var piece in _userDefinedPieces)
        {
            if (input.StartsWith(piece))
            {
                replacement = piece;
                return piece.Length;
            }
        }

        if (_charsMap is not null)
        {
            var match = _charsMap.LongestMatch(input);
            if (match.Consumed > 0)
            {
                replacement = match.Replacement.Span;
                return match.Consumed;
            }
        }

        // No rule: the character passes through (malformed UTF-8 cannot occur: the input came from a .NET string).
        var length = Utf8SequenceLength(input[0]);
        if (length > input.Length)
        {
            replacement = ReplacementChar;
            return 1;
        }

        replacement = input[..length];
        return length;
    }

    private static int Utf8SequenceLength(byte lead) => lead switch
    {
        < 0x80 => 1,
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };

    private static bool EndsWith(List<byte> output, byte[] suffix)
    {
        if (output.Count < suffix.Length)
        {
            return false;
        }

        for (var i = 0; i < suffix.Length; i++)
        {
            if (output[output.Count - suffix.Length + i] != suffix[i])
            {
                return false;
            }
        }

        return true;
    }
}
