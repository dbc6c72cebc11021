namespace SharpVL.Processing.Text;

/// <summary>
/// A tokenizer file (vocab.json, merges.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json, a
/// SentencePiece model) that cannot be used: malformed, inconsistent or of an unsupported kind. The message is one line
/// that names the file and the problem.
/// </summary>
public sealed class TokenizerException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the file and what is wrong with it.</param>
    /// <param name="innerException">The lower-level error, kept for diagnostics.</param>
    public TokenizerException(string message, Exception? innerException = null)
        : base(message, null, innerException)
    {
    }
}
