using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SharpVL.Tests.Text;

/// <summary>
/// Test-side converter from a SentencePiece model to the tokenizer.json transformers' XLMRobertaConverter writes
/// (fairseq vocab order, Precompiled + Replace normalizer), with its own tiny protobuf reader so that the library's
/// parser is not used to check itself.
/// </summary>
internal static class SentencePieceToTokenizerJson
{
    public static void Write(string modelPath, string tokenizerJsonPath)
    {
        var (pieces, charsMap) = Read(File.ReadAllBytes(modelPath));
        using var stream = File.Create(tokenizerJsonPath);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteString("version", "1.0");
        writer.WriteStartArray("added_tokens");
        foreach (var (id, content) in new[] { (0, "<s>"), (1, "<pad>"), (2, "</s>"), (3, "<unk>"), (pieces.Count + 1, "<mask>") })
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("content", content);
            writer.WriteBoolean("lstrip", content == "<mask>");
            writer.WriteBoolean("special", true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("normalizer");
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("normalizers");
        writer.WriteStartObject();
        writer.WriteString("type", "Precompiled");
        writer.WriteString("precompiled_charsmap", Convert.ToBase64String(charsMap));
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartObject("model");
        writer.WriteString("type", "Unigram");
        writer.WriteNumber("unk_id", 3);
        writer.WriteStartArray("vocab");
        var vocab = new List<(string, float)> { ("<s>", 0), ("<pad>", 0), ("</s>", 0), ("<unk>", 0) };
        vocab.AddRange(pieces.Skip(3));
        vocab.Add(("<mask>", 0));
        foreach (var (piece, score) in vocab)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(piece);
            writer.WriteNumberValue(score);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static (List<(string Piece, float Score)> Pieces, byte[] CharsMap) Read(byte[] model)
    {
        var pieces = new List<(string, float)>();
        var charsMap = Array.Empty<byte>();
        foreach (var (field, value) in Fields(model))
        {
            if (field == 1)
            {
                var piece = "";
                var score = 0f;
                foreach (var (pieceField, pieceValue) in Fields(value))
                {
                    if (pieceField == 1)
                    {
                        piece = Encoding.UTF8.GetString(pieceValue);
                    }
                    else if (pieceField == 2)
                    {
                        score = BinaryPrimitives.ReadSingleLittleEndian(pieceValue);
                    }
                }

                pieces.Add((piece, score));
            }
            else if (field == 3)
            {
                charsMap = Fields(value).First(f => f.Field == 2).Value;
            }
        }

        return (pieces, charsMap);
    }

    // Fields with their raw payloads (varints are returned as empty payloads: not needed here).
    private static List<(int Field, byte[] Value)> Fields(byte[] data)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < data.Length)
        {
            var key = Varint(data, ref position);
            var wireType = (int)(key & 7);
            byte[] value;
            switch (wireType)
            {
                case 0:
                    Varint(data, ref position);
                    value = [];
                    break;
                case 2:
                    var length = (int)Varint(data, ref position);
                    value = data[position..(position + length)];
                    position += length;
                    break;
                case 5:
                    value = data[position..(position + 4)];
                    position += 4;
                    break;
                default:
                    value = data[position..(position + 8)];
                    position += 8;
                    break;
            }

            fields.Add(((int)(key >> 3), value));
        }

        return fields;
    }

    private static ulong Varint(byte[] data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
    }
}
