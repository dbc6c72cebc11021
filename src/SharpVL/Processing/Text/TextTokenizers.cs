namespace SharpVL.Processing.Text;

/// <summary>Loads the right tokenizer for a directory, like Transformers' <c>AutoTokenizer</c> for the supported classes.</summary>
public static class TextTokenizers
{
    /// <summary>
    /// Loads the tokenizer named by <paramref name="tokenizerClass"/> (e.g. the manifest's <c>class</c>) or, when
    /// null, by <c>tokenizer_class</c> in the directory's <c>tokenizer_config.json</c>. CLIP (also X-CLIP's and
    /// the fast variants) → <see cref="CLIPTokenizer"/>; XLM-RoBERTa → <see cref="XLMRobertaTokenizer"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="TokenizerException">The class is not one of the supported tokenizers.</exception>
    /// <exception cref="TokenizerException">No class given and tokenizer_config.json names none.</exception>
    public static ITextTokenizer FromPretrained(string directory, string? tokenizerClass = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory not found: {directory}");
        }

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        bool fromFile = tokenizerClass is null;
        tokenizerClass ??= PretrainedTokenizerConfig.Load(directory).TokenizerClass
            ?? throw new TokenizerException($"{configPath}: no tokenizer_class; pass the tokenizer class explicitly.");
        return tokenizerClass switch
        {
            "CLIPTokenizer" or "CLIPTokenizerFast" => CLIPTokenizer.FromPretrained(directory),
            "XLMRobertaTokenizer" or "XLMRobertaTokenizerFast" => XLMRobertaTokenizer.FromPretrained(directory),
            _ => throw new TokenizerException(
                $"{(fromFile ? configPath + ": t" : "T")}okenizer class '{TextForMessages.Printable(tokenizerClass)}' is not supported (CLIPTokenizer and XLMRobertaTokenizer are)."),
        };
    }
}
