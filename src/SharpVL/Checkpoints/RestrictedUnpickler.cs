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
    private static readonly Dictionary<PickleGlobal, PickleGlobal> Callables =
        new[] { OrderedDict, RebuildTensorV2, RebuildTensor, RebuildParameter, RebuildParameterWithState }.ToDictionary(g => g);

    // Estimated .NET sizes of what each opcode allocates, charged against PickleLimits.MemoryBudget. Growing collections
    // count twice their entry size: capacity doubles, so the copies they leave behind cost as much again.
    private const int BoxCost = 24;
    private const int StringCost = 24;
    private const int DictCost = 48;
    private const int DictEntryCost = 80;
    private const int ListCost = 40;
    private const int TupleCost = 48;
    private const int SlotCost = 8;
    private const int GrowingSlotCost = 16;
    private const int MemoEntryCost = 56;
    private const int RecordCost = 48;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly string _path;
    private readonly PickleLimits _limits;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = new(PickleKeyComparer.Instance);
    private int _position;
    private long _charged;

    private RestrictedUnpickler(byte[] data, string path, PickleLimits limits)
    {
        _data = data;
        _path = path;
        _limits = limits;
    }

    /// <summary>
    /// Unpickles <paramref name="data"/> within <paramref name="limits"/> (default: <see cref="PickleLimits.For"/> its
    /// length); <paramref name="path"/> names the checkpoint in error messages.
    /// </summary>
    public static object? Load(byte[] data, string path, PickleLimits? limits = null)
        => new RestrictedUnpickler(data, path, limits ?? PickleLimits.For(data.Length)).Run();

    /// <summary>Estimated bytes charged so far (for calibrating <see cref="PickleLimits"/>).</summary>
    internal static long MeasureCharge(byte[] data, string path)
    {
        var unpickler = new RestrictedUnpickler(data, path, PickleLimits.For(data.Length) with { MemoryBudget = long.MaxValue });
        unpickler.Run();
        return unpickler._charged;
    }

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
                    if (_marks.Count >= _limits.MaxMarkDepth)
                    {
                        throw OverLimit(at, $"MARKs nest more than {_limits.MaxMarkDepth} deep");
                    }
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop(at);
                    break;
                case (byte)'1': // POP_MARK
                    PopMark(at);
                    break;
                case (byte)'2': // DUP
                    Push(Peek(at), at);
                    break;
                case (byte)'N': // NONE
                    Push(null, at);
                    break;
                case 0x88: // NEWTRUE
                    Push(Charged(true, BoxCost, at), at);
                    break;
                case 0x89: // NEWFALSE
                    Push(Charged(false, BoxCost, at), at);
                    break;
                case (byte)'J': // BININT
                    Push(Charged((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)), BoxCost, at), at);
                    break;
                case (byte)'K': // BININT1
                    Push(Charged((long)ReadByte(), BoxCost, at), at);
                    break;
                case (byte)'M': // BININT2
                    Push(Charged((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)), BoxCost, at), at);
                    break;
                case 0x8a: // LONG1
                    Push(Charged(ReadLong(Take(ReadByte()), at), BoxCost, at), at);
                    break;
                case 0x8b: // LONG4
                    Push(Charged(ReadLong(Take(ReadLength(4, at)), at), BoxCost, at), at);
                    break;
                case (byte)'G': // BINFLOAT (big-endian)
                    Push(Charged(BinaryPrimitives.ReadDoubleBigEndian(Take(8)), BoxCost, at), at);
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(ReadLength(4, at), at), at);
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte(), at), at);
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(ReadLength(8, at), at), at);
                    break;
                case (byte)'}': // EMPTY_DICT
                    Push(Charged(new PickleDict(), DictCost, at), at);
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(Charged(new List<object?>(), ListCost, at), at);
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(Charged(new PickleTuple([]), TupleCost, at), at);
                    break;
                case (byte)'t': // TUPLE
                    var marked = PopMark(at);
                    Push(Charged(new PickleTuple(marked.ToArray()), TupleCost + (SlotCost * marked.Count), at), at);
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
                    Push(Charged(new PickleTuple(items), TupleCost + (SlotCost * count), at), at);
                    break;
                case (byte)'l': // LIST
                    var listed = PopMark(at);
                    Push(Charged(listed, ListCost + (SlotCost * listed.Count), at), at);
                    break;
                case (byte)'d': // DICT
                    var dict = new PickleDict();
                    SetItems(dict, PopMark(at), at);
                    Push(Charged(dict, DictCost, at), at);
                    break;
                case (byte)'a': // APPEND
                    var appended = Pop(at);
                    Charge(GrowingSlotCost, at);
                    AsList(Peek(at), at).Add(appended);
                    break;
                case (byte)'e': // APPENDS
                    var appends = PopMark(at);
                    Charge(GrowingSlotCost * (long)appends.Count, at);
                    AsList(Peek(at), at).AddRange(appends);
                    break;
                case (byte)'s': // SETITEM
                    var value = Pop(at);
                    var key = Pop(at);
                    Charge(DictEntryCost, at);
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
                    Push(Recall(ReadByte(), at), at);
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at), at);
                    break;
                case (byte)'c': // GLOBAL
                    var module = ReadLine(at);
                    Push(ResolveGlobal(module, ReadLine(at), at), at);
                    break;
                case 0x93: // STACK_GLOBAL
                    var globalName = Pop(at) as string ?? throw Corrupt(at, "STACK_GLOBAL without string operands");
                    var globalModule = Pop(at) as string ?? throw Corrupt(at, "STACK_GLOBAL without string operands");
                    Push(ResolveGlobal(globalModule, globalName, at), at);
                    break;
                case (byte)'R': // REDUCE
                    var args = Pop(at) as PickleTuple ?? throw Corrupt(at, "REDUCE arguments are not a tuple");
                    var callable = Pop(at);
                    Push(Call(callable, args.Items, at), at);
                    break;
                case (byte)'b': // BUILD
                    var state = Pop(at);
                    Build(Peek(at), state, at);
                    break;
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop(at), at), at);
                    break;
                default:
                    throw Corrupt(at, $"pickle opcode 0x{opcode:x2} is not used by torch.save for a state dict and is not supported");
            }
        }
    }

    private object? ResolveGlobal(string module, string name, int at)
    {
        var global = new PickleGlobal(module, name);
        if (Callables.TryGetValue(global, out var known))
        {
            return known;
        }
        if (module == "torch" && StorageTypes.TryGetValue(name, out var storageType))
        {
            return storageType;
        }
        throw new CheckpointException($"'{_path}': pickle global '{Printable(global.ToString())}' is not allowed in a state dict (at byte {at}).", _path);
    }

    private object? Call(object? callable, object?[] args, int at)
    {
        if (callable is not PickleGlobal global)
        {
            throw Corrupt(at, $"REDUCE on {Describe(callable)}, which is not callable");
        }
        if (global == OrderedDict)
        {
            return args.Length == 0 ? Charged(new PickleDict(), DictCost, at) : throw Corrupt(at, "OrderedDict called with arguments");
        }
        if (global == RebuildTensorV2 || global == RebuildTensor)
        {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); _rebuild_tensor stops at stride.
            if (args.Length < 4 || args[0] is not StorageRef storage)
            {
                throw Corrupt(at, $"{global} called with unexpected arguments");
            }
            var size = AsLongs(args[2], at);
            var stride = AsLongs(args[3], at);
            Charge(RecordCost + (SlotCost * 2L * size.Length), at);
            return new TensorRef(storage, AsLong(args[1], at), size, stride);
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
            throw Corrupt(at, $"storage '{Printable(key)}' has negative size {numel}");
        }
        return Charged(new StorageRef(key, type.DType, numel), RecordCost, at);
    }

    private void SetItems(PickleDict dict, List<object?> pairs, int at)
    {
        if (pairs.Count % 2 != 0)
        {
            throw Corrupt(at, $"SETITEMS/DICT got {pairs.Count} values after its MARK, an odd number for key/value pairs");
        }
        Charge(DictEntryCost * (long)(pairs.Count / 2), at);
        for (var i = 0; i < pairs.Count; i += 2)
        {
            dict.Set(pairs[i], pairs[i + 1]);
        }
    }

    private long AsLong(object? value, int at) => value as long? ?? throw Corrupt(at, $"expected an integer, found {Describe(value)}");

    private long[] AsLongs(object? value, int at)
    {
        if (value is not PickleTuple tuple)
        {
            throw Corrupt(at, $"expected a tuple of integers, found {Describe(value)}");
        }
        if (tuple.Items.Length > _limits.MaxTensorRank)
        {
            throw Corrupt(at, $"tensor has {tuple.Items.Length} dimensions, more than {_limits.MaxTensorRank}");
        }
        return tuple.Items.Select(item => AsLong(item, at)).ToArray();
    }

    private List<object?> AsList(object? value, int at) => value as List<object?> ?? throw Corrupt(at, $"APPEND to {Describe(value)}");

    private PickleDict AsDict(object? value, int at) => value as PickleDict ?? throw Corrupt(at, $"SETITEM on {Describe(value)}");

    private void Memoize(long index, int at)
    {
        if (!_memo.ContainsKey(index))
        {
            Charge(MemoEntryCost, at);
        }
        _memo[index] = Peek(at);
    }

    private object? Recall(long index, int at)
        => _memo.TryGetValue(index, out var value) ? value : throw Corrupt(at, $"memo entry {index} was never stored");

    private void Push(object? value, int at)
    {
        if (_stack.Count >= _limits.MaxStackDepth)
        {
            throw OverLimit(at, $"more than {_limits.MaxStackDepth} values on the stack at once");
        }
        _stack.Add(value);
    }

    private T Charged<T>(T value, long cost, int at)
    {
        Charge(cost, at);
        return value;
    }

    private void Charge(long cost, int at)
    {
        _charged += cost;
        if (_charged > _limits.MemoryBudget)
        {
            throw OverLimit(at, $"it builds more objects than a state dict of its size needs (over {_limits.MemoryBudget >> 20} MiB)");
        }
    }

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
            throw new CheckpointException($"'{_path}': pickle data ends early (truncated or corrupt) at byte {_position}.", _path);
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
        if (length > _limits.MaxStringBytes)
        {
            throw OverLimit(at, $"a {length}-byte string is longer than any state dict key ({_limits.MaxStringBytes} bytes at most)");
        }
        Charge(StringCost + (2 * length), at);
        var bytes = Take(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(at, "string is not valid UTF-8");
        }
    }

    private string ReadLine(int at)
    {
        // GLOBAL names are short: look for the newline only that far, so a missing one costs no scan of the whole pickle.
        const int maxLine = 1000;
        var window = _data.AsSpan(_position, Math.Min(maxLine + 1, _data.Length - _position));
        var end = window.IndexOf((byte)'\n');
        if (end < 0)
        {
            throw Corrupt(at, "GLOBAL name is not newline-terminated");
        }
        Charge(StringCost + (2L * end), at);
        return Encoding.ASCII.GetString(Take(end + 1)[..^1]);
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

    private CheckpointException Corrupt(int at, string problem)
        => new($"'{_path}': corrupt or unsupported pickle at byte {at}: {problem}.", _path);

    private CheckpointException OverLimit(int at, string problem)
        => new($"'{_path}': refusing the pickle at byte {at}: {problem}; this is not a state dict (corrupt or hostile file).", _path);

    private static string Printable(string text) => TextForMessages.Printable(text);

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{Printable(s)}'",
        PickleTuple t => $"tuple({t.Items.Length})",
        _ => value.GetType().Name,
    };
}
