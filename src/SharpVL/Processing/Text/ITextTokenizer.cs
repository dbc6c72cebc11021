namespace SharpVL.Processing.Text;

/// <summary>A text tokenizer that reproduces the ids and decoding of a Transformers tokenizer.</summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the tokenizer can produce (Transformers' <c>vocab_size</c>).</summary>
    int VocabSize { get; }

    /// <summary>Maximum sequence length used when truncating or padding without an explicit <c>max_length</c>.</summary>
    int ModelMaxLength { get; }

    /// <summary>Id of the token that starts every sequence.</summary>
    long BosTokenId { get; }

    /// <summary>Id of the token that ends every sequence.</summary>
    long EosTokenId { get; }

    /// <summary>Id used to pad sequences on the right.</summary>
    long PadTokenId { get; }

    /// <summary>Id of the unknown token.</summary>
    long UnkTokenId { get; }

    /// <summary>Every special-token id (dropped by decoding with <c>skipSpecialTokens</c>).</summary>
    IReadOnlySet<long> AllSpecialIds { get; }

    /// <summary>Splits one text into token strings, without special tokens (Transformers' <c>tokenize</c>).</summary>
    IReadOnlyList<string> Tokenize(string text);

    /// <summary>Tokenizes a batch with the given padding/truncation options (Transformers' <c>__call__</c>).</summary>
    BatchEncoding Encode(IReadOnlyList<string> texts, TokenizeOptions options);

    /// <summary>Turns ids back into text (Transformers' <c>decode</c> with 4.27.1 defaults).</summary>
    string Decode(IReadOnlyList<long> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true);

    /// <summary>Decodes each sequence of a batch (Transformers' <c>batch_decode</c>).</summary>
    IReadOnlyList<string> BatchDecode(
        IReadOnlyList<IReadOnlyList<long>> sequences, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true);

    /// <summary>Maps ids to their token strings (Transformers' <c>convert_ids_to_tokens</c>).</summary>
    IReadOnlyList<string> ConvertIdsToTokens(IReadOnlyList<long> ids, bool skipSpecialTokens = false);
}
