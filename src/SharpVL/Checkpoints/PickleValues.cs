using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>A pickled dict or <c>collections.OrderedDict</c>: entries in insertion order.</summary>
internal sealed class PickleDict
{
    // Position of each key in Entries, so a large state dict does not cost quadratic time to build.
    private readonly Dictionary<object, int> _index = [];
    private int? _noneIndex;

    public List<KeyValuePair<object?, object?>> Entries { get; } = [];

    public void Set(object? key, object? value)
    {
        int? existing = key is null ? _noneIndex : _index.TryGetValue(key, out var i) ? i : null;
        if (existing is int position)
        {
            Entries[position] = new(key, value);
            return;
        }
        if (key is null)
        {
            _noneIndex = Entries.Count;
        }
        else
        {
            _index[key] = Entries.Count;
        }
        Entries.Add(new(key, value));
    }
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
