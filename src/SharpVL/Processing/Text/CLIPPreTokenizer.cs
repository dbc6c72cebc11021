using System.Globalization;
using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>
/// CLIPTokenizerFast's normalizer and pre-tokenizer: NFC, whitespace runs → one space, Python lowercasing, then the
/// CLIP pattern <c>'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c> (whitespace dropped).
/// </summary>
/// <remarks>
/// The pattern is matched by hand on code points: .NET's Regex sees UTF-16 units, so a letter outside the BMP
/// (a surrogate pair) would not count as <c>\p{L}</c> and would split a word.
/// </remarks>
internal static class CLIPPreTokenizer
{
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <summary>NFC, whitespace collapse and lowercasing of a raw text.</summary>
    public static string Normalize(string text)
    {
        var composed = PythonText.ReplaceLoneSurrogates(text).Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(composed.Length);
        var previousWasSpace = false;
        foreach (var ch in composed)
        {
            // Every White_Space character is in the BMP, so a UTF-16 unit test is exact here.
            var isSpace = PythonText.IsUnicodeWhiteSpace(ch);
            if (!isSpace)
            {
                builder.Append(ch);
            }
            else if (!previousWasSpace)
            {
                builder.Append(' ');
            }

            previousWasSpace = isSpace;
        }

        return PythonText.ToLower(builder.ToString());
    }

    /// <summary>Splits normalized text into the words BPE sees.</summary>
    public static void Split(string normalized, List<string> words)
    {
        var runes = PythonText.RunesOf(normalized);
        var offsets = new int[runes.Length + 1];
        for (var i = 0; i < runes.Length; i++)
        {
            offsets[i + 1] = offsets[i] + runes[i].Utf16SequenceLength;
        }

        var index = 0;
        while (index < runes.Length)
        {
            var start = index;
            var kind = Classify(runes[index]);
            if (kind == CharKind.Space)
            {
                index++;
                continue;
            }

            var contraction = MatchContraction(normalized, offsets[index]);
            if (contraction > 0)
            {
                index += contraction;
            }
            else if (kind == CharKind.Number)
            {
                index++;
            }
            else
            {
                // Letters run over letters; anything else runs over everything that is neither letter, number nor space.
                while (index < runes.Length && Classify(runes[index]) == kind)
                {
                    index++;
                }
            }

            words.Add(normalized[offsets[start]..offsets[index]]);
        }
    }

    private static int MatchContraction(string text, int offset)
    {
        foreach (var contraction in Contractions)
        {
            if (text.AsSpan(offset).StartsWith(contraction, StringComparison.Ordinal))
            {
                return contraction.Length; // ASCII: one code point per char.
            }
        }

        return 0;
    }

    private enum CharKind
    {
        Space,
        Letter,
        Number,
        Other,
    }

    private static CharKind Classify(Rune rune)
    {
        if (PythonText.IsUnicodeWhiteSpace(rune.Value))
        {
            return CharKind.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharKind.Number,
            _ => CharKind.Other,
        };
    }
}
