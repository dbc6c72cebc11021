using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>A pickled dict or <c>collections.OrderedDict</c>: entries in insertion order.</summary>
internal sealed class PickleDict
{
    // Built on first use: an empty dict costs a few dozen bytes, so a pickle of empty dicts cannot multiply memory.
    private Dictionary<object, int>? _index;
    private List<KeyValuePair<object?, object?>>? _entries;
    private int? _noneIndex;

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries ?? (IReadOnlyList<KeyValuePair<object?, object?>>)[];

    public void Set(object? key, object? value)
    {
        _entries ??= [];
        _index ??= new Dictionary<object, int>(PickleKeyComparer.Instance);
        int? existing = key is null ? _noneIndex : _index.TryGetValue(key, out var i) ? i : null;
        if (existing is int position)
        {
            _entries[position] = new(key, value);
            return;
        }
        if (key is null)
        {
            _noneIndex = _entries.Count;
        }
        else
        {
            _index[key] = _entries.Count;
        }
        _entries.Add(new(key, value));
    }
}

/// <summary>
/// Key equality for pickled dicts and the memo. Numbers hash through <see cref="HashCode"/>, which is seeded per process,
/// so a crafted pickle cannot choose integer keys that all land in one bucket and turn loading quadratic.
/// </summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>, IEqualityComparer<long>
{
    public static PickleKeyComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y) => object.Equals(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        long number => HashCode.Combine(number),
        double number => HashCode.Combine(number),
        _ => obj.GetHashCode(),
    };

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => HashCode.Combine(obj);
}

/// <summary>A pickled tuple (immutable, unlike <see cref="List{T}"/> for a pickled list).</summary>
internal sealed record PickleTuple(object?[] Items);

/// <summary>An allowed global, resolved by <see cref="RestrictedUnpickler"/>.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A torch storage type global such as <c>torch.FloatStorage</c>.</summary>
internal sealed record StorageType(string Name, torch.ScalarType DType);

/// <summary>One storage file of a torch zip checkpoint (<c>data/&lt;Key&gt;</c>), from a persistent id.</summary>
internal sealed record StorageRef(string Key, torch.ScalarType DType, long Numel);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);
