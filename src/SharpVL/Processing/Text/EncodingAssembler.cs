namespace SharpVL.Processing.Text;

/// <summary>
/// Truncation, special tokens and padding around a per-text encoder, following transformers 4.27.1's
/// <c>_get_padding_truncation_strategies</c> / <c>prepare_for_model</c> / <c>pad</c> for single sequences.
/// </summary>
internal static class EncodingAssembler
{
    /// <summary>Both tokenizers wrap a sequence as <c>bos ids eos</c>.</summary>
    private const int SpecialTokensPerSequence = 2;

    public static BatchEncoding Encode(
        IReadOnlyList<string> texts,
        TokenizeOptions options,
        Func<string, List<long>> encodeText,
        long bosId,
        long eosId,
        long padId,
        int modelMaxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);

        if (options.MaxLength < 0)
        {
            throw new ArgumentException($"MaxLength must not be negative, got {options.MaxLength}.", nameof(options));
        }

        var padding = options.Padding;
        var maxLength = options.MaxLength;
        var truncate = options.Truncation
            ?? (maxLength is not null && padding == PaddingStrategy.DoNotPad); // 4.27.1 warns and truncates here.
        if (maxLength is null && (truncate || padding == PaddingStrategy.MaxLength))
        {
            maxLength = modelMaxLength;
        }

        var ids = new long[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"Text {i} of the batch is null.", nameof(texts));
            var tokens = encodeText(text);
            if (truncate)
            {
                Truncate(tokens, maxLength!.Value, options.AddSpecialTokens);
            }

            ids[i] = options.AddSpecialTokens ? [bosId, .. tokens, eosId] : [.. tokens];
        }

        var target = padding switch
        {
            PaddingStrategy.Longest => ids.Length == 0 ? 0 : ids.Max(row => row.Length),
            PaddingStrategy.MaxLength => maxLength!.Value,
            _ => 0,
        };
        return Pad(ids, target, padId);
    }

    private static void Truncate(List<long> tokens, int maxLength, bool addSpecialTokens)
    {
        var total = tokens.Count + (addSpecialTokens ? SpecialTokensPerSequence : 0);
        var remove = total - maxLength;
        // Python only cuts when the text has MORE tokens than must go; otherwise it logs an error and keeps them all.
        if (remove > 0 && tokens.Count > remove)
        {
            tokens.RemoveRange(tokens.Count - remove, remove);
        }
    }

    private static BatchEncoding Pad(long[][] ids, int target, long padId)
    {
        var masks = new long[ids.Length][];
        for (var row = 0; row < ids.Length; row++)
        {
            var length = ids[row].Length;
            if (length < target)
            {
                var padded = new long[target];
                ids[row].CopyTo(padded, 0);
                Array.Fill(padded, padId, length, target - length);
                ids[row] = padded;
            }

            masks[row] = new long[ids[row].Length];
            Array.Fill(masks[row], 1L, 0, length);
        }

        return new BatchEncoding(ids, masks);
    }
}
