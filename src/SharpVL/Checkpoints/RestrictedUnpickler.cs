using System.Buffers.Binary;
using System.Text;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>
/// A pickle reader for the <c>data.pkl</c> of a torch zip checkpoint. Pickle can call any Python function, so this
/// interprets only the opcodes <c>torch.save</c> emits for a state dict and resolves only the few globals a state
/// dict needs; everything else is refused before anything is built from it.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly Dictionary<string, StorageType> StorageTypes = new[]
    {
        new StorageType("FloatStorage", torch.ScalarType.Float32),
        new StorageType("HalfStorage", torch.ScalarType.Float16),
        new StorageType("BFloat16Storage", torch.ScalarType.BFloat16),
        new StorageType("DoubleStorage", torch.ScalarType.Float64),
        new StorageType("LongStorage", torch.ScalarType.Int64),
        new StorageType("IntStorage", torch.ScalarType.Int32),
        new StorageType("ShortStorage", torch.ScalarType.Int16),
        new StorageType("CharStorage", torch.ScalarType.Int8),
        new StorageType("ByteStorage", torch.ScalarType.Byte),
        new StorageType("BoolStorage", torch.ScalarType.Bool),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    private static readonly PickleGlobal RebuildTensorV2 = new("torch._utils", "_rebuild_tensor_v2");
    private static readonly PickleGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor");
    private static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");
    private static readonly PickleGlobal RebuildParameterWithState = new("torch._utils", "_rebuild_parameter_with_state");
    private static readonly HashSet<PickleGlobal> Callables = [OrderedDict, RebuildTensorV2, RebuildTensor, RebuildParameter, RebuildParameterWithState];

    private const int MaxMemo = 10_000_000;

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;

    private RestrictedUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>Unpickles <paramref name="data"/>; <paramref name="source"/> names it in error messages.</summary>
    public static object? Load(byte[] data, string source) => new RestrictedUnpickler(data, source).Run();

    private object? Run()
    {
        while (true)
        {
            var at = _position;
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Corrupt(at, $"unsupported pickle protocol {protocol}");
                    }
                    break;
                case 0x95: // FRAME (protocol 4): a length hint only
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Corrupt(at, "STOP with an unbalanced stack");
                    }
                    return _stack[0];
                case (byte)'(': // MARK
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop(at);
                    break;
                case (byte)'1': // POP_MARK
                    PopMark(at);
                    break;
                case (byte)'2': // DUP
                    Push(Peek(at));
                    break;
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong(Take(ReadByte()), at));
                    break;
                case 0x8b: // LONG4
                    Push(ReadLong(Take(ReadLength(4, at)), at));
                    break;
                case (byte)'G': // BINFLOAT (big-endian)
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(ReadLength(4, at), at));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte(), at));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(ReadLength(8, at), at));
                    break;
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark(at).ToArray()));
                    break;
                case 0x85: // TUPLE1
                case 0x86: // TUPLE2
                case 0x87: // TUPLE3
                    var count = opcode - 0x84;
                    var items = new object?[count];
                    for (var i = count - 1; i >= 0; i--)
                    {
                        items[i] = Pop(at);
                    }
                    Push(new PickleTuple(items));
                    break;
                case (byte)'l': // LIST
                    Push(PopMark(at));
                    break;
                case (byte)'d': // DICT
                    var dict = new PickleDict();
                    SetItems(dict, PopMark(at), at);
                    Push(dict);
                    break;
                case (byte)'a': // APPEND
                    var appended = Pop(at);
                    AsList(Peek(at), at).Add(appended);
                    break;
                case (byte)'e': // APPENDS
                    var appends = PopMark(at);
                    AsList(Peek(at), at).AddRange(appends);
                    break;
                case (byte)'s': // SETITEM
                    var value = Pop(at);
                    var key = Pop(at);
                    AsDict(Peek(at), at).Set(key, value);
                    break;
                case (byte)'u': // SETITEMS
                    var pairs = PopMark(at);
                    SetItems(AsDict(Peek(at), at), pairs, at);
                    break;
                case (byte)'q': // BINPUT
                    Memoize(ReadByte(), at);
                    break;
                case (byte)'r': // LONG_BINPUT
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at);
                    break;
                case 0x94: // MEMOIZE
                    Memoize(_memo.Count, at);
                    break;
                case (byte)'h': // BINGET
                    Push(Recall(ReadByte(), at));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at));
                    break;
                case (byte)'c': // GLOBAL
                    var module = ReadLine(at);
                    Push(ResolveGlobal(module, ReadLine(at)));
                    break;
                case 0x93: // STACK_GLOBAL
                    var globalName = Pop(at) as string ?? throw Corrupt(at, "STACK_GLOBAL without string operands");
                    var globalModule = Pop(at) as string ?? throw Corrupt(at, "STACK_GLOBAL without string operands");
                    Push(ResolveGlobal(globalModule, globalName));
                    break;
                case (byte)'R': // REDUCE
                    var args = Pop(at) as PickleTuple ?? throw Corrupt(at, "REDUCE arguments are not a tuple");
                    var callable = Pop(at);
                    Push(Call(callable, args.Items, at));
                    break;
                case (byte)'b': // BUILD
                    var state = Pop(at);
                    Build(Peek(at), state, at);
                    break;
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop(at), at));
                    break;
                default:
                    throw Corrupt(at, $"pickle opcode 0x{opcode:x2} is not used by torch.save for a state dict and is not supported");
            }
        }
    }

    private object? ResolveGlobal(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        if (Callables.Contains(global))
        {
            return global;
        }
        if (module == "torch" && StorageTypes.TryGetValue(name, out var storageType))
        {
            return storageType;
        }
        throw new InvalidDataException($"{_source}: pickle global '{global}' is not allowed in a state dict.");
    }

    private object? Call(object? callable, object?[] args, int at)
    {
        if (callable is not PickleGlobal global)
        {
            throw Corrupt(at, $"REDUCE on {Describe(callable)}, which is not callable");
        }
        if (global == OrderedDict)
        {
            return args.Length == 0 ? new PickleDict() : throw Corrupt(at, "OrderedDict called with arguments");
        }
        if (global == RebuildTensorV2 || global == RebuildTensor)
        {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); _rebuild_tensor stops at stride.
            if (args.Length < 4 || args[0] is not StorageRef storage)
            {
                throw Corrupt(at, $"{global} called with unexpected arguments");
            }
            return new TensorRef(storage, AsLong(args[1], at), AsLongs(args[2], at), AsLongs(args[3], at));
        }
        // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter's data is the tensor we keep.
        return args.Length >= 1 && args[0] is TensorRef tensor
            ? tensor
            : throw Corrupt(at, $"{global} called without a tensor");
    }

    private void Build(object? target, object? state, int at)
    {
        // OrderedDict state carries the state dict's `_metadata` (module versions); tensors may carry Python attributes.
        if (target is PickleDict or TensorRef && state is PickleDict or PickleTuple or null)
        {
            return;
        }
        throw Corrupt(at, $"BUILD on {Describe(target)} is not supported");
    }

    private StorageRef PersistentLoad(object? pid, int at)
    {
        // ('storage', storage_type, key, location, numel)
        if (pid is not PickleTuple { Items: ["storage", StorageType type, string key, string, long numel] })
        {
            throw Corrupt(at, $"persistent id {Describe(pid)} is not a ('storage', type, key, location, numel) tuple");
        }
        if (numel < 0)
        {
            throw Corrupt(at, $"storage '{key}' has negative size {numel}");
        }
        return new StorageRef(key, type.DType, numel);
    }

    private static void SetItems(PickleDict dict, List<object?> pairs, int at)
    {
        if (pairs.Count % 2 != 0)
        {
            throw new InvalidDataException($"pickle at byte {at}: odd number of items for a dict");
        }
        for (var i = 0; i < pairs.Count; i += 2)
        {
            dict.Set(pairs[i], pairs[i + 1]);
        }
    }

    private long AsLong(object? value, int at) => value as long? ?? throw Corrupt(at, $"expected an integer, found {Describe(value)}");

    private long[] AsLongs(object? value, int at) => value is PickleTuple tuple
        ? tuple.Items.Select(item => AsLong(item, at)).ToArray()
        : throw Corrupt(at, $"expected a tuple of integers, found {Describe(value)}");

    private List<object?> AsList(object? value, int at) => value as List<object?> ?? throw Corrupt(at, $"APPEND to {Describe(value)}");

    private PickleDict AsDict(object? value, int at) => value as PickleDict ?? throw Corrupt(at, $"SETITEM on {Describe(value)}");

    private void Memoize(long index, int at)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index))
        {
            throw Corrupt(at, "memo grows without bound");
        }
        _memo[index] = Peek(at);
    }

    private object? Recall(long index, int at)
        => _memo.TryGetValue(index, out var value) ? value : throw Corrupt(at, $"memo entry {index} was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek(int at) => _stack.Count > (_marks.Count > 0 ? _marks[^1] : 0)
        ? _stack[^1]
        : throw Corrupt(at, "stack underflow");

    private object? Pop(int at)
    {
        var value = Peek(at);
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark(int at)
    {
        if (_marks.Count == 0)
        {
            throw Corrupt(at, "no MARK to pop to");
        }
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new InvalidDataException($"{_source}: pickle data ends early (truncated or corrupt) at byte {_position}.");
        }
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private long ReadLength(int width, int at)
    {
        var length = width == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(Take(4))
            : BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return length <= (ulong)(_data.Length - _position) ? (long)length : throw Corrupt(at, $"length {length} runs past the end of the pickle");
    }

    private string ReadString(long length, int at)
    {
        var bytes = Take(length);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(at, "string is not valid UTF-8");
        }
    }

    private string ReadLine(int at)
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0 || end - _position > 1000)
        {
            throw Corrupt(at, "GLOBAL name is not newline-terminated");
        }
        return Encoding.ASCII.GetString(Take(end - _position + 1)[..^1]);
    }

    private long ReadLong(ReadOnlySpan<byte> littleEndian, int at)
    {
        if (littleEndian.Length > 8)
        {
            throw Corrupt(at, $"{littleEndian.Length}-byte integer does not fit in 64 bits");
        }
        if (littleEndian.IsEmpty)
        {
            return 0;
        }
        Span<byte> wide = stackalloc byte[8];
        // Sign-extend the two's-complement value.
        wide.Fill((littleEndian[^1] & 0x80) != 0 ? (byte)0xff : (byte)0);
        littleEndian.CopyTo(wide);
        return BinaryPrimitives.ReadInt64LittleEndian(wide);
    }

    private InvalidDataException Corrupt(int at, string problem)
        => new($"{_source}: corrupt or unsupported pickle at byte {at}: {problem}.");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        PickleTuple t => $"tuple({t.Items.Length})",
        _ => value.GetType().Name,
    };
}
