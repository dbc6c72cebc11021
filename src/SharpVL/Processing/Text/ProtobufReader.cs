using System.Buffers.Binary;

namespace SharpVL.Processing.Text;

/// <summary>
/// Minimal protobuf wire-format reader, enough for SentencePiece's <c>ModelProto</c> (no generated code or
/// Google.Protobuf dependency for three messages). Malformed input raises <see cref="TokenizerException"/>.
/// </summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data, string source)
    {
        _data = data;
        _source = source;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var key = ReadVarint();
        var field = (int)(key >> 3);
        if (field <= 0)
        {
            throw Malformed($"invalid field number {field}");
        }

        return (field, (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("truncated varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Malformed("varint longer than 10 bytes");
    }

    public float ReadFloat()
    {
        if (_position + 4 > _data.Length)
        {
            throw Malformed("truncated float");
        }

        var value = BinaryPrimitives.ReadSingleLittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed("length-delimited field runs past the end");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw Malformed($"unsupported wire type {wireType}");
        }
    }

    private void Advance(int count)
    {
        if (_position + count > _data.Length)
        {
            throw Malformed("truncated fixed-size field");
        }

        _position += count;
    }

    private readonly TokenizerException Malformed(string problem)
        => new($"{_source}: not a valid protobuf message ({problem} at byte {_position}).");
}
