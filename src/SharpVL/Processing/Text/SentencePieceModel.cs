using System.Text;

namespace SharpVL.Processing.Text;

/// <summary>Kind of a SentencePiece vocabulary entry (<c>ModelProto.SentencePiece.Type</c>).</summary>
internal enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One SentencePiece vocabulary entry.</summary>
internal readonly record struct SentencePiece(string Piece, float Score, PieceType Type);

/// <summary>SentencePiece <c>NormalizerSpec</c> fields the encoder uses (defaults as in the .proto).</summary>
internal sealed record NormalizerSpec(
    string Name,
    byte[] PrecompiledCharsMap,
    bool AddDummyPrefix = true,
    bool RemoveExtraWhitespaces = true,
    bool EscapeWhitespaces = true);

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> (<c>*.model</c>) needed to encode: pieces, normalizer spec and
/// model type. Only unigram models (what XLM-R uses) are supported.
/// </summary>
internal sealed class SentencePieceModel
{
    private const int UnigramModelType = 1;

    private SentencePieceModel(List<SentencePiece> pieces, NormalizerSpec normalizer)
    {
        Pieces = pieces;
        Normalizer = normalizer;
    }

    public IReadOnlyList<SentencePiece> Pieces { get; }

    public NormalizerSpec Normalizer { get; }

    public static SentencePieceModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SentencePiece model not found: {path}", path);
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    public static SentencePieceModel Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var pieces = new List<SentencePiece>();
        var normalizer = new NormalizerSpec("identity", []);
        var modelType = UnigramModelType; // TrainerSpec.model_type defaults to UNIGRAM.
        var byteFallback = false;
        var reader = new ProtobufReader(bytes, source);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 2):
                    pieces.Add(ParsePiece(reader.ReadBytes(), source));
                    break;
                case (2, 2):
                    (modelType, byteFallback) = ParseTrainerSpec(reader.ReadBytes(), source);
                    break;
                case (3, 2):
                    normalizer = ParseNormalizerSpec(reader.ReadBytes(), source);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (modelType != UnigramModelType)
        {
            throw new TokenizerException($"{source}: SentencePiece model type {modelType} is not supported (only unigram, type 1).");
        }

        if (byteFallback)
        {
            throw new TokenizerException($"{source}: SentencePiece byte_fallback is not supported.");
        }

        if (pieces.Count == 0)
        {
            throw new TokenizerException($"{source}: the SentencePiece model has no pieces.");
        }

        if (pieces.Count(piece => piece.Type == PieceType.Unknown) != 1)
        {
            throw new TokenizerException($"{source}: a SentencePiece model needs exactly one unknown piece.");
        }

        return new SentencePieceModel(pieces, normalizer);
    }

    private static SentencePiece ParsePiece(ReadOnlySpan<byte> bytes, string source)
    {
        var piece = string.Empty;
        var score = 0f;
        var type = PieceType.Normal;
        var reader = new ProtobufReader(bytes, source);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 2):
                    piece = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case (2, 5):
                    score = reader.ReadFloat();
                    break;
                case (3, 0):
                    type = (PieceType)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (!Enum.IsDefined(type))
        {
            throw new TokenizerException($"{source}: piece '{piece}' has unknown type {(int)type}.");
        }

        return new SentencePiece(piece, score, type);
    }

    private static (int ModelType, bool ByteFallback) ParseTrainerSpec(ReadOnlySpan<byte> bytes, string source)
    {
        var modelType = UnigramModelType;
        var byteFallback = false;
        var reader = new ProtobufReader(bytes, source);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (3, 0):
                    modelType = (int)reader.ReadVarint();
                    break;
                case (35, 0):
                    byteFallback = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (modelType, byteFallback);
    }

    private static NormalizerSpec ParseNormalizerSpec(ReadOnlySpan<byte> bytes, string source)
    {
        var spec = new NormalizerSpec("", []);
        var reader = new ProtobufReader(bytes, source);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            spec = (field, wireType) switch
            {
                (1, 2) => spec with { Name = Encoding.UTF8.GetString(reader.ReadBytes()) },
                (2, 2) => spec with { PrecompiledCharsMap = reader.ReadBytes().ToArray() },
                (3, 0) => spec with { AddDummyPrefix = reader.ReadVarint() != 0 },
                (4, 0) => spec with { RemoveExtraWhitespaces = reader.ReadVarint() != 0 },
                (5, 0) => spec with { EscapeWhitespaces = reader.ReadVarint() != 0 },
                _ => SkipField(ref reader, wireType, spec),
            };
        }

        return spec;
    }

    private static NormalizerSpec SkipField(ref ProtobufReader reader, int wireType, NormalizerSpec spec)
    {
        reader.Skip(wireType);
        return spec;
    }
}
