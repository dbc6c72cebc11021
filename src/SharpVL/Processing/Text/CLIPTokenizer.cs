using System.Text;
using System.Text.Json;

namespace SharpVL.Processing.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer with the ids of Transformers' <c>CLIPTokenizerFast</c> (= OpenAI's
/// SimpleTokenizer without ftfy): NFC, whitespace collapse, Python lowercasing, the CLIP word pattern on code
/// points, BPE with <c>&lt;/w&gt;</c> word ends, <c>&lt;|startoftext|&gt; ... &lt;|endoftext|&gt;</c>.
/// Thread-safe after construction.
/// </summary>
public sealed class CLIPTokenizer : ITextTokenizer
{
    /// <summary>
    /// Merges the slow CLIPTokenizer reads from <c>merges.txt</c> (<c>49152 - 256 - 2</c>); later lines are ignored.
    /// </summary>
    public const int MergesTxtLimit = 49152 - 256 - 2;

    /// <summary>CLIP's context length, used when the directory declares no <c>model_max_length</c>.</summary>
    public const int DefaultModelMaxLength = 77;

    private const string EndOfWordSuffix = "</w>";
    private const int MaxVocabularyId = 16_000_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _idToToken;
    private readonly BytePairModel _bpe;
    private readonly SpecialTokenSplitter _splitter;
    private readonly HashSet<long> _allSpecialIds;

    private CLIPTokenizer(
        Dictionary<string, int> vocab,
        IReadOnlyList<(string, string)> merges,
        PretrainedTokenizerConfig config,
        IEnumerable<string> extraSpecialTokens,
        string source)
    {
        _vocab = vocab;
        if (vocab.Count > 0 && vocab.Values.Max() >= MaxVocabularyId)
        {
            throw new TokenizerException($"{source}: token id {vocab.Values.Max()} is implausibly large for a BPE vocabulary.");
        }

        _idToToken = new string?[vocab.Count == 0 ? 0 : vocab.Values.Max() + 1];
        foreach (var (token, id) in vocab)
        {
            if (id < 0)
            {
                throw new TokenizerException($"{source}: token '{token}' has a negative id {id}.");
            }

            _idToToken[id] = token;
        }

        BosToken = config.SpecialToken("bos_token")?.Content ?? "<|startoftext|>";
        EosToken = config.SpecialToken("eos_token")?.Content ?? "<|endoftext|>";
        UnkToken = config.SpecialToken("unk_token")?.Content ?? "<|endoftext|>";
        PadToken = config.SpecialToken("pad_token")?.Content ?? "<|endoftext|>";
        UnkTokenId = RequireId(UnkToken, "unk_token", source);
        BosTokenId = RequireId(BosToken, "bos_token", source);
        EosTokenId = RequireId(EosToken, "eos_token", source);
        PadTokenId = RequireId(PadToken, "pad_token", source);
        ModelMaxLength = config.ModelMaxLength ?? DefaultModelMaxLength;

        var specialTokens = new[] { BosToken, EosToken, UnkToken, PadToken }.Concat(extraSpecialTokens).Distinct().ToArray();
        _allSpecialIds = [.. specialTokens.Where(vocab.ContainsKey).Select(token => (long)vocab[token])];
        // CLIP's special tokens are plain AddedTokens (no lstrip/rstrip); whitespace around them is dropped anyway.
        _splitter = new SpecialTokenSplitter(specialTokens.Select(token => new SpecialTokenRule(token, false, false)));
        _bpe = new BytePairModel(vocab, merges, EndOfWordSuffix, (int)UnkTokenId, source);
    }

    /// <summary>Text of the start token (<c>&lt;|startoftext|&gt;</c>).</summary>
    public string BosToken { get; }

    /// <summary>Text of the end token (<c>&lt;|endoftext|&gt;</c>).</summary>
    public string EosToken { get; }

    /// <summary>Text of the unknown token (<c>&lt;|endoftext|&gt;</c> for CLIP).</summary>
    public string UnkToken { get; }

    /// <summary>Text of the padding token (per the directory's config; <c>&lt;|endoftext|&gt;</c> by default).</summary>
    public string PadToken { get; }

    /// <inheritdoc />
    public int VocabSize => _vocab.Count;

    /// <inheritdoc />
    public int ModelMaxLength { get; }

    /// <inheritdoc />
    public long BosTokenId { get; }

    /// <inheritdoc />
    public long EosTokenId { get; }

    /// <inheritdoc />
    public long PadTokenId { get; }

    /// <inheritdoc />
    public long UnkTokenId { get; }

    /// <inheritdoc />
    public IReadOnlySet<long> AllSpecialIds => _allSpecialIds;

    /// <summary>
    /// Loads a tokenizer directory: <c>tokenizer.json</c> when present (what the real <c>microsoft/xclip-*</c>
    /// repositories ship), else <c>vocab.json</c> + <c>merges.txt</c>; <c>tokenizer_config.json</c> and
    /// <c>special_tokens_map.json</c> supply special tokens and <c>model_max_length</c> when present.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither tokenizer.json nor vocab.json + merges.txt is there.</exception>
    /// <exception cref="TokenizerException">A file is malformed.</exception>
    public static CLIPTokenizer FromPretrained(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory not found: {directory}");
        }

        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        return File.Exists(tokenizerJson) ? FromTokenizerJson(tokenizerJson, directory) : FromVocabAndMerges(directory);
    }

    /// <summary>Loads <c>vocab.json</c> and <c>merges.txt</c> from a directory (the slow tokenizer's files).</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="TokenizerException">A file is malformed.</exception>
    public static CLIPTokenizer FromVocabAndMerges(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var vocabPath = Path.Combine(directory, "vocab.json");
        var mergesPath = Path.Combine(directory, "merges.txt");
        foreach (var path in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new TokenizerException(
                    $"CLIP tokenizer file not found: {path} (a CLIP tokenizer needs tokenizer.json or vocab.json + merges.txt).");
            }
        }

        Dictionary<string, int> vocab;
        using (var document = PretrainedTokenizerConfig.ParseJsonFile(vocabPath))
        {
            vocab = ReadVocab(document.RootElement, vocabPath);
        }

        // The first line is the "#version" header; Python keeps only MergesTxtLimit merges after it.
        var merges = File.ReadAllText(mergesPath, Encoding.UTF8).Trim().Split('\n')
            .Skip(1)
            .Take(MergesTxtLimit)
            .Select((line, index) => ParseMerge(line, index + 2, mergesPath))
            .ToList();
        return new CLIPTokenizer(vocab, merges, PretrainedTokenizerConfig.Load(directory), [], mergesPath);
    }

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> whose model is CLIP's BPE (<c>end_of_word_suffix</c> "&lt;/w&gt;");
    /// special tokens and <c>model_max_length</c> come from the config files in <paramref name="configDirectory"/>
    /// (default: the file's directory) when present.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="TokenizerException">The file is malformed or not a CLIP BPE tokenizer.</exception>
    public static CLIPTokenizer FromTokenizerJson(string path, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer.json not found: {path}", path);
        }

        using var document = PretrainedTokenizerConfig.ParseJsonFile(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model)
            || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerException($"{path}: no 'model' object.");
        }

        var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        var suffix = model.TryGetProperty("end_of_word_suffix", out var suffixElement) ? suffixElement.GetString() : null;
        if (type != "BPE" || suffix != EndOfWordSuffix)
        {
            throw new TokenizerException(
                $"{path}: model type '{type}' with end_of_word_suffix '{suffix}' is not CLIP's BPE (expected BPE and '</w>').");
        }

        if (!model.TryGetProperty("vocab", out var vocabElement) || !model.TryGetProperty("merges", out var mergesElement)
            || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerException($"{path}: model.vocab or model.merges is missing.");
        }

        var vocab = ReadVocab(vocabElement, path);
        var merges = new List<(string, string)>();
        foreach (var merge in mergesElement.EnumerateArray())
        {
            // Older files write "left right", newer ones ["left", "right"].
            merges.Add(merge.ValueKind switch
            {
                JsonValueKind.String => ParseMerge(merge.GetString()!, merges.Count, path),
                JsonValueKind.Array when merge.GetArrayLength() == 2 && merge[0].ValueKind == JsonValueKind.String
                    && merge[1].ValueKind == JsonValueKind.String => (merge[0].GetString()!, merge[1].GetString()!),
                _ => throw new TokenizerException($"{path}: merge {merges.Count} is neither \"a b\" nor [\"a\", \"b\"]."),
            });
        }

        var addedSpecial = new List<string>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                var content = token.TryGetProperty("content", out var c) ? c.GetString() : null;
                var isSpecial = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                if (content is not null && isSpecial && token.TryGetProperty("id", out var id) && id.TryGetInt32(out var value))
                {
                    vocab.TryAdd(content, value);
                    addedSpecial.Add(content);
                }
            }
        }

        var config = PretrainedTokenizerConfig.Load(configDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new CLIPTokenizer(vocab, merges, config, addedSpecial, path);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Tokenize(string text)
    {
        var ids = EncodeText(text);
        return ConvertIdsToTokens(ids);
    }

    /// <inheritdoc />
    public BatchEncoding Encode(IReadOnlyList<string> texts, TokenizeOptions options)
        => EncodingAssembler.Encode(texts, options, EncodeText, BosTokenId, EosTokenId, PadTokenId, ModelMaxLength);

    /// <summary>Tokenizes one text (a batch of one).</summary>
    public BatchEncoding Encode(string text, TokenizeOptions? options = null) => Encode([text], options ?? TokenizeOptions.Default);

    /// <inheritdoc />
    public string Decode(IReadOnlyList<long> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true)
    {
        var joined = string.Concat(ConvertIdsToTokens(ids, skipSpecialTokens));
        var bytes = new List<byte>(joined.Length);
        foreach (var ch in joined)
        {
            var value = ch < ByteLevelAlphabet.CharToByte.Length ? ByteLevelAlphabet.CharToByte[ch] : (short)-1;
            if (value >= 0)
            {
                bytes.Add((byte)value);
            }
            else
            {
                // Not a byte-level character (only possible for added tokens): keep its own UTF-8.
                bytes.AddRange(Encoding.UTF8.GetBytes(ch.ToString()));
            }
        }

        // errors="replace": invalid UTF-8 (e.g. a cut multi-byte character) becomes U+FFFD.
        var text = Encoding.UTF8.GetString([.. bytes]).Replace(EndOfWordSuffix, " ", StringComparison.Ordinal);
        text = PythonText.Strip(text);
        return cleanUpTokenizationSpaces ? PythonText.CleanUpTokenization(text) : text;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> BatchDecode(
        IReadOnlyList<IReadOnlyList<long>> sequences, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return [.. sequences.Select(ids => Decode(ids, skipSpecialTokens, cleanUpTokenizationSpaces))];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ConvertIdsToTokens(IReadOnlyList<long> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (skipSpecialTokens && _allSpecialIds.Contains(id))
            {
                continue;
            }

            var token = id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;
            tokens.Add(token ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the CLIP vocabulary."));
        }

        return tokens;
    }

    /// <summary>Id of a token string, or null when it is not in the vocabulary.</summary>
    public long? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    private List<long> EncodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<long>();
        var words = new List<string>();
        foreach (var segment in _splitter.Split(CLIPPreTokenizer.Normalize(text)))
        {
            if (segment.IsSpecial)
            {
                ids.Add(_vocab[segment.Text]);
                continue;
            }

            words.Clear();
            CLIPPreTokenizer.Split(segment.Text, words);
            foreach (var word in words)
            {
                _bpe.EncodeWord(word, ids);
            }
        }

        return ids;
    }

    private long RequireId(string token, string role, string source) => _vocab.TryGetValue(token, out var id)
        ? id
        : throw new TokenizerException($"{source}: the {role} '{token}' is not in the vocabulary.");

    private static Dictionary<string, int> ReadVocab(JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerException($"{source}: the vocabulary must be a JSON object of token → id.");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id))
            {
                throw new TokenizerException($"{source}: token '{entry.Name}' has a non-integer id.");
            }

            vocab[entry.Name] = id;
        }

        return vocab;
    }

    private static (string, string) ParseMerge(string line, int lineNumber, string source)
    {
        var parts = line.TrimEnd('\r').Split(' ');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? (parts[0], parts[1])
            : throw new TokenizerException($"{source}: merge at line/index {lineNumber} is not 'left right': '{line}'.");
    }
}
