using System.Globalization;
using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>
/// Python <c>str</c> behaviour the tokenizers depend on and .NET does differently: full (not simple) lowercasing,
/// Python's whitespace set and <c>strip</c>, and Transformers' decoding clean-up.
/// </summary>
internal static class PythonText
{
    /// <summary>Python <c>str.isspace</c> for one code point (includes U+001C..U+001F, which .NET does not).</summary>
    public static bool IsPythonSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D or >= 0x1C and <= 0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Unicode White_Space (what the regex class <c>\s</c> matches in the Rust tokenizers' regex engine).</summary>
    public static bool IsUnicodeWhiteSpace(int codePoint) => codePoint is not (>= 0x1C and <= 0x1F) && IsPythonSpace(codePoint);

    /// <summary>Python <c>str.strip()</c> without arguments.</summary>
    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Python <c>str.rstrip()</c> without arguments.</summary>
    public static string StripEnd(string text)
    {
        var end = text.Length;
        while (end > 0 && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    /// <summary>Python <c>str.lstrip()</c> without arguments.</summary>
    public static string StripStart(string text)
    {
        var start = 0;
        while (start < text.Length && IsPythonSpace(text[start]))
        {
            start++;
        }

        return text[start..];
    }

    /// <summary>
    /// Python <c>str.lower()</c>: per code point (letters outside the BMP included), with the one unconditional
    /// multi-character mapping ('İ' → "i̇") and the Final_Sigma rule for 'Σ' that Python (and Rust) apply.
    /// </summary>
    public static string ToLower(string text)
    {
        var builder = new StringBuilder(text.Length);
        Span<char> buffer = stackalloc char[2];
        var runes = RunesOf(text);
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            switch (rune.Value)
            {
                case 0x0130:
                    builder.Append("i\u0307");
                    break;
                case 0x03A3:
                    builder.Append(IsFinalSigma(runes, i) ? '\u03C2' : '\u03C3');
                    break;
                default:
                    var written = Rune.ToLowerInvariant(rune).EncodeToUtf16(buffer);
                    builder.Append(buffer[..written]);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Transformers 4.27.1 <c>clean_up_tokenization</c>: removes the space before punctuation and English contractions.
    /// </summary>
    public static string CleanUpTokenization(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    /// <summary>The text with each lone surrogate replaced by U+FFFD (the text itself when it has none).</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                return string.Concat(RunesOf(text).Select(rune => rune.ToString()));
            }

            if (char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }

        return text;
    }

    /// <summary>
    /// The code points of a string; a lone surrogate (which Python strings may hold but UTF-8 cannot) becomes U+FFFD.
    /// </summary>
    public static Rune[] RunesOf(string text)
    {
        var runes = new List<Rune>(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                consumed = Math.Max(consumed, 1);
            }

            runes.Add(rune);
            index += consumed;
        }

        return [.. runes];
    }

    // Python's handle_capital_sigma: cased letter, case-ignorables, Σ, and no (case-ignorables, cased letter) after it.
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before]))
        {
            before--;
        }

        if (before < 0 || !IsCased(runes[before]))
        {
            return false;
        }

        var after = index + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after]))
        {
            after++;
        }

        return after == runes.Length || !IsCased(runes[after]);
    }

    // Unicode "Cased": Lu/Ll/Lt plus the common Other_Lowercase/Other_Uppercase ranges.
    private static bool IsCased(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter)
        {
            return true;
        }

        return rune.Value is 0xAA or 0xBA or (>= 0x2B0 and <= 0x2B8) or 0x2C0 or 0x2C1 or (>= 0x2E0 and <= 0x2E4)
            or 0x345 or 0x37A or (>= 0x1D2C and <= 0x1D6A) or 0x1D78 or (>= 0x1D9B and <= 0x1DBF) or 0x2071 or 0x207F
            or (>= 0x2090 and <= 0x209C) or (>= 0x2160 and <= 0x217F) or (>= 0x24B6 and <= 0x24E9);
    }

    // Unicode "Case_Ignorable": Mn/Me/Cf/Lm/Sk plus the Word_Break MidLetter/MidNumLet/Single_Quote characters.
    private static bool IsCaseIgnorable(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol)
        {
            return true;
        }

        return rune.Value is 0x27 or 0x2E or 0x3A or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024
            or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
    }
}
