namespace SharpVL.Processing.Text;

/// <summary>A special token that is split out of raw text, with Transformers' whitespace-eating rules.</summary>
/// <param name="Content">The token text, e.g. <c>&lt;mask&gt;</c>.</param>
/// <param name="StripLeft">Whitespace before the token is removed (<c>AddedToken.lstrip</c>).</param>
/// <param name="StripRight">Whitespace after the token is removed (<c>AddedToken.rstrip</c>).</param>
internal sealed record SpecialTokenRule(string Content, bool StripLeft, bool StripRight);

/// <summary>A piece of text after splitting: either plain text or one special token.</summary>
internal readonly record struct TextSegment(string Text, bool IsSpecial);

/// <summary>
/// Splits special tokens written inside a text out as single segments, like the slow tokenizers'
/// <c>tokens_trie.split</c> + lstrip/rstrip handling in 4.27.1 <c>PreTrainedTokenizer.tokenize</c>.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly SpecialTokenRule[] _rules;

    public SpecialTokenSplitter(IEnumerable<SpecialTokenRule> rules)
    {
        // Longest first, so that at one position the longest special token wins (what the trie does).
        _rules = [.. rules.Where(rule => rule.Content.Length > 0)
            .DistinctBy(rule => rule.Content)
            .OrderByDescending(rule => rule.Content.Length)];
    }

    public List<TextSegment> Split(string text)
    {
        var segments = new List<TextSegment>();
        var plainStart = 0;
        var index = 0;
        var matchedRules = new List<SpecialTokenRule>();
        while (index < text.Length)
        {
            var rule = MatchAt(text, index);
            if (rule is null)
            {
                index++;
                continue;
            }

            if (index > plainStart)
            {
                segments.Add(new TextSegment(text[plainStart..index], false));
                matchedRules.Add(null!);
            }

            segments.Add(new TextSegment(rule.Content, true));
            matchedRules.Add(rule);
            index += rule.Content.Length;
            plainStart = index;
        }

        if (plainStart < text.Length)
        {
            segments.Add(new TextSegment(text[plainStart..], false));
            matchedRules.Add(null!);
        }

        ApplyStripping(segments, matchedRules);
        segments.RemoveAll(segment => segment.Text.Length == 0);
        return segments;
    }

    private SpecialTokenRule? MatchAt(string text, int index)
    {
        if (_rules.Length == 0)
        {
            return null;
        }

        foreach (var rule in _rules)
        {
            if (text.AsSpan(index).StartsWith(rule.Content, StringComparison.Ordinal))
            {
                return rule;
            }
        }

        return null;
    }

    private static void ApplyStripping(List<TextSegment> segments, List<SpecialTokenRule> matchedRules)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            var rule = matchedRules[i];
            if (rule is null)
            {
                continue;
            }

            if (rule.StripRight && i + 1 < segments.Count && !segments[i + 1].IsSpecial)
            {
                segments[i + 1] = segments[i + 1] with { Text = PythonText.StripStart(segments[i + 1].Text) };
            }

            if (rule.StripLeft && i > 0 && !segments[i - 1].IsSpecial)
            {
                segments[i - 1] = segments[i - 1] with { Text = PythonText.StripEnd(segments[i - 1].Text) };
            }
        }
    }
}
