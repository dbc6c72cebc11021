using System.Text.Json;

namespace SharpVL.Processing.Text;

/// <summary>
/// The XLM-RoBERTa SentencePiece tokenizer with the ids of Transformers' (slow) <c>XLMRobertaTokenizer</c>:
/// SentencePiece normalization (the model's precompiled nmt_nfkc rules), Viterbi unigram segmentation with runs of
/// unknown characters fused into one <c>&lt;unk&gt;</c>, the fairseq id layout (<c>&lt;s&gt;</c>=0
/// <c>&lt;pad&gt;</c>=1 <c>&lt;/s&gt;</c>=2 <c>&lt;unk&gt;</c>=3, SentencePiece id i → i+1,
/// <c>&lt;mask&gt;</c> = pieces+1), <c>&lt;s&gt; X &lt;/s&gt;</c>, and special tokens written in the text split out.
/// Thread-safe after construction.
/// </summary>
/// <remarks>
/// Implemented here rather than on Microsoft.ML.Tokenizers' SentencePieceTokenizer: that one cannot read a
/// Hugging Face tokenizer.json, does not fuse unknown runs and knows nothing of the fairseq offset, so the
/// SentencePiece-specific code left after wrapping it would be most of this folder anyway, and one engine serves
/// both file formats.
/// </remarks>
public sealed class XLMRobertaTokenizer : ITextTokenizer
{
    /// <summary>Used when the directory declares no <c>model_max_length</c> (XLM-R's 512 positions).</summary>
    public const int DefaultModelMaxLength = 512;

    private const string SpaceSymbol = "\u2581";
    private static readonly string[] FairseqTokens = ["<s>", "<pad>", "</s>", "<unk>"];

    private readonly string[] _idToToken;
    private readonly Dictionary<string, long> _tokenToId;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly UnigramModel _model;
    private readonly SpecialTokenSplitter _splitter;
    private readonly HashSet<long> _allSpecialIds;

    private XLMRobertaTokenizer(
        string[] idToToken,
        Dictionary<string, long> tokenToId,
        SentencePieceNormalizer normalizer,
        UnigramModel model,
        PretrainedTokenizerConfig config,
        string source)
    {
        _idToToken = idToToken;
        _tokenToId = tokenToId;
        _normalizer = normalizer;
        _model = model;

        var bos = Declared(config, "bos_token", "<s>");
        var eos = Declared(config, "eos_token", "</s>");
        var unk = Declared(config, "unk_token", "<unk>");
        var sep = Declared(config, "sep_token", "</s>");
        var pad = Declared(config, "pad_token", "<pad>");
        var cls = Declared(config, "cls_token", "<s>");
        var mask = Declared(config, "mask_token", "<mask>");
        // XLMRobertaTokenizer wraps a plain-string mask token as AddedToken(lstrip=True, rstrip=False).
        mask = mask with { StripLeft = mask.StripLeft ?? true, StripRight = mask.StripRight ?? false };
        var specials = new[] { bos, eos, unk, sep, pad, cls, mask };

        BosTokenId = RequireId(bos.Content, "bos_token", source);
        EosTokenId = RequireId(eos.Content, "eos_token", source);
        UnkTokenId = RequireId(unk.Content, "unk_token", source);
        PadTokenId = RequireId(pad.Content, "pad_token", source);
        MaskTokenId = RequireId(mask.Content, "mask_token", source);
        _allSpecialIds = [.. specials.Select(token => RequireId(token.Content, "special token", source))];
        // A special token declared as a plain string eats the whitespace on both sides (4.27.1 tokenize()).
        _splitter = new SpecialTokenSplitter(specials.Select(
            token => new SpecialTokenRule(token.Content, token.StripLeft ?? true, token.StripRight ?? true)));
        ModelMaxLength = config.ModelMaxLength ?? DefaultModelMaxLength;
    }

    /// <inheritdoc />
    public int VocabSize => _idToToken.Length;

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

    /// <summary>Id of <c>&lt;mask&gt;</c> (number of SentencePiece pieces + 1).</summary>
    public long MaskTokenId { get; }

    /// <inheritdoc />
    public IReadOnlySet<long> AllSpecialIds => _allSpecialIds;

    /// <summary>
    /// Loads a tokenizer directory: <c>tokenizer.json</c> when present, else <c>sentencepiece.bpe.model</c>;
    /// <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c> supply special tokens and model_max_length.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither tokenizer file is there.</exception>
    /// <exception cref="TokenizerException">A file is malformed.</exception>
    public static XLMRobertaTokenizer FromPretrained(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory not found: {directory}");
        }

        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            return FromTokenizerJson(tokenizerJson, directory);
        }

        var modelPath = Path.Combine(directory, "sentencepiece.bpe.model");
        if (!File.Exists(modelPath))
        {
            throw new TokenizerException(
                $"XLM-R tokenizer file not found: {modelPath} (an XLM-R tokenizer needs tokenizer.json or sentencepiece.bpe.model).");
        }

        return FromSentencePieceModel(modelPath, directory);
    }

    /// <summary>
    /// Loads a SentencePiece unigram model (<c>sentencepiece.bpe.model</c>, despite the name); config files are
    /// read from <paramref name="configDirectory"/> (default: the model's directory) when present.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    /// <exception cref="TokenizerException">The file is not a valid SentencePiece model.</exception>
    /// <exception cref="TokenizerException">A BPE/char/word SentencePiece model, or byte fallback.</exception>
    public static XLMRobertaTokenizer FromSentencePieceModel(string modelPath, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var sentencePiece = SentencePieceModel.Load(modelPath);
        var pieces = sentencePiece.Pieces;

        // Fairseq layout: ids 0-3 are fixed, SentencePiece id i becomes i + 1, <mask> comes last.
        var idToToken = new string[pieces.Count + 2];
        var tokenToId = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var id = 0; id < FairseqTokens.Length; id++)
        {
            idToToken[id] = FairseqTokens[id];
            tokenToId[FairseqTokens[id]] = id;
        }

        idToToken[^1] = "<mask>";
        tokenToId["<mask>"] = pieces.Count + 1;
        var matchable = new List<UnigramPiece>();
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            long id = piece.Type == PieceType.Unknown ? 3 : i + 1;
            if (id >= FairseqTokens.Length)
            {
                idToToken[id] = piece.Piece;
            }

            tokenToId.TryAdd(piece.Piece, id);
            if (piece.Type is PieceType.Normal or PieceType.UserDefined)
            {
                matchable.Add(new UnigramPiece(piece.Piece, piece.Score, id, piece.Type == PieceType.UserDefined));
            }
        }

        var normalScores = pieces.Where(piece => piece.Type == PieceType.Normal).Select(piece => piece.Score).DefaultIfEmpty(0f).ToArray();
        var model = new UnigramModel(matchable, normalScores.Min(), normalScores.Max(), unknownId: 3);
        var userDefined = pieces.Where(piece => piece.Type == PieceType.UserDefined).Select(piece => piece.Piece);
        var normalizer = new SentencePieceNormalizer(sentencePiece.Normalizer, userDefined, modelPath);
        var config = PretrainedTokenizerConfig.Load(configDirectory ?? Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        return new XLMRobertaTokenizer(idToToken, tokenToId, normalizer, model, config, modelPath);
    }

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> with a Unigram model (ids already in fairseq layout) and a
    /// Precompiled normalizer. Encoding still follows the slow tokenizer (SentencePiece whitespace rules), not the
    /// fast one, which differs e.g. on trailing spaces. Config files are read from <paramref name="configDirectory"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="TokenizerException">The file is malformed or not a Unigram tokenizer.</exception>
    public static XLMRobertaTokenizer FromTokenizerJson(string path, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer.json not found: {path}", path);
        }

        using var document = PretrainedTokenizerConfig.ParseJsonFile(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var modelElement)
            || modelElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerException($"{path}: no 'model' object.");
        }

        var type = modelElement.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (type != "Unigram" || !modelElement.TryGetProperty("vocab", out var vocabElement)
            || vocabElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerException($"{path}: model type '{type}' is not a Unigram model with a 'vocab' array.");
        }

        var unknownId = modelElement.TryGetProperty("unk_id", out var unkElement) && unkElement.TryGetInt64(out var unkValue)
            ? unkValue
            : 3;
        var specialIds = new HashSet<long>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True
                    && token.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var id))
                {
                    specialIds.Add(id);
                }
            }
        }

        var idToToken = new string[vocabElement.GetArrayLength()];
        var tokenToId = new Dictionary<string, long>(StringComparer.Ordinal);
        var matchable = new List<UnigramPiece>();
        var index = 0;
        foreach (var entry in vocabElement.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String
                || entry[1].ValueKind != JsonValueKind.Number)
            {
                throw new TokenizerException($"{path}: vocab entry {index} is not [piece, score].");
            }

            var piece = entry[0].GetString()!;
            idToToken[index] = piece;
            tokenToId.TryAdd(piece, index);
            if (index != unknownId && !specialIds.Contains(index))
            {
                matchable.Add(new UnigramPiece(piece, (float)entry[1].GetDouble(), index, false));
            }

            index++;
        }

        var charsMap = FindPrecompiledCharsMap(root.TryGetProperty("normalizer", out var normalizerElement) ? normalizerElement : default);
        var scores = matchable.Select(piece => piece.Score).DefaultIfEmpty(0f).ToArray();
        var model = new UnigramModel(matchable, scores.Min(), scores.Max(), unknownId);
        var normalizer = new SentencePieceNormalizer(new NormalizerSpec("precompiled", charsMap), [], path);
        var config = PretrainedTokenizerConfig.Load(configDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new XLMRobertaTokenizer(idToToken, tokenToId, normalizer, model, config, path);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Tokenize(string text)
    {
        var pieces = new List<string>();
        EncodeText(text, pieces);
        return pieces;
    }

    /// <inheritdoc />
    public BatchEncoding Encode(IReadOnlyList<string> texts, TokenizeOptions options)
        => EncodingAssembler.Encode(texts, options, text => EncodeText(text, null), BosTokenId, EosTokenId, PadTokenId, ModelMaxLength);

    /// <summary>Tokenizes one text (a batch of one).</summary>
    public BatchEncoding Encode(string text, TokenizeOptions? options = null) => Encode([text], options ?? TokenizeOptions.Default);

    /// <inheritdoc />
    public string Decode(IReadOnlyList<long> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = true)
    {
        var text = string.Concat(ConvertIdsToTokens(ids, skipSpecialTokens)).Replace(SpaceSymbol, " ", StringComparison.Ordinal);
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

            tokens.Add(id >= 0 && id < _idToToken.Length
                ? _idToToken[id]
                : throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside the vocabulary (size {_idToToken.Length})."));
        }

        return tokens;
    }

    /// <summary>Id of a token string (Transformers' <c>convert_tokens_to_ids</c>): unknown strings give the unk id.</summary>
    public long TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : UnkTokenId;

    private List<long> EncodeText(string text, List<string>? pieces)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<long>();
        foreach (var segment in _splitter.Split(text))
        {
            if (segment.IsSpecial)
            {
                ids.Add(TokenToId(segment.Text));
                pieces?.Add(segment.Text);
            }
            else
            {
                _model.Encode(_normalizer.Normalize(segment.Text), ids, pieces);
            }
        }

        return ids;
    }

    private long RequireId(string token, string role, string source) => _tokenToId.TryGetValue(token, out var id)
        ? id
        : throw new TokenizerException($"{source}: the {role} '{token}' is not in the vocabulary.");

    private static DeclaredSpecialToken Declared(PretrainedTokenizerConfig config, string name, string fallback)
        => config.SpecialToken(name) ?? new DeclaredSpecialToken(fallback, null, null);

    // The charsmap sits in a "Precompiled" normalizer, alone or inside a "Sequence".
    private static byte[] FindPrecompiledCharsMap(JsonElement normalizer)
    {
        if (normalizer.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        if (normalizer.TryGetProperty("precompiled_charsmap", out var charsMap) && charsMap.ValueKind == JsonValueKind.String)
        {
            try
            {
                return Convert.FromBase64String(charsMap.GetString()!);
            }
            catch (FormatException exception)
            {
                throw new TokenizerException($"tokenizer.json: precompiled_charsmap is not valid base64 ({exception.Message}).", exception);
            }
        }

        if (normalizer.TryGetProperty("normalizers", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in children.EnumerateArray())
            {
                var found = FindPrecompiledCharsMap(child);
                if (found.Length > 0)
                {
                    return found;
                }
            }
        }

        return [];
    }
}
