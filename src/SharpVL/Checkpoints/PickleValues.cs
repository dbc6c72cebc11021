using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>A pickled dict or <c>collections.OrderedDict</c>: entries in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Entries { get; } = [];

    public void Set(object? key, object? value)
    {
        for (var i = 0; i < Entries.Count; i++)
        {
            if (Equals(Entries[i].Key, key))
            {
                Entries[i] = new(key, value);
                return;
            }
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
