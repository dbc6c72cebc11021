using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>The safetensors dtype names this library reads and writes, and their torch equivalents.</summary>
public static class SafeTensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Known =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("I64", torch.ScalarType.Int64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("I32", torch.ScalarType.Int32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>Looks up a safetensors dtype name (<c>F32</c>, <c>BF16</c>, ...); false when it is not supported.</summary>
    public static bool TryParse(string name, out torch.ScalarType type)
    {
        foreach (var known in Known)
        {
            if (known.Name == name)
            {
                type = known.Type;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>The safetensors name of <paramref name="type"/>; throws <see cref="ArgumentException"/> for unsupported types.</summary>
    public static string NameOf(torch.ScalarType type)
    {
        foreach (var known in Known)
        {
            if (known.Type == type)
            {
                return known.Name;
            }
        }
        throw new ArgumentException($"dtype {type} cannot be stored in safetensors by SharpVL.", nameof(type));
    }

    /// <summary>Bytes per element of <paramref name="type"/> (one of the supported types).</summary>
    public static int ElementSize(torch.ScalarType type)
    {
        foreach (var known in Known)
        {
            if (known.Type == type)
            {
                return known.Size;
            }
        }
        throw new ArgumentException($"dtype {type} is not supported by SharpVL checkpoints.", nameof(type));
    }
}
