using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Processing.Images;

/// <summary>
/// A processor's <c>pixel_values</c>: float32 values in C order with their shape
/// ([batch, frames, 3, H, W] for video processors, [batch, 3, H, W] for image processors).
/// </summary>
public sealed class PixelValues
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    public PixelValues(float[] data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] needs {count} values, got {data.Length}.");
        }
        Data = data;
        Shape = shape;
    }

    /// <summary>The values, C order.</summary>
    public float[] Data { get; }

    /// <summary>The shape.</summary>
    public long[] Shape { get; }

    /// <summary>Creates a new CPU float32 tensor holding a copy of the values; the caller disposes it.</summary>
    public torch.Tensor ToTensor()
    {
        TorchRuntime.EnsureInitialized();
        return torch.tensor(Data, Shape, torch.ScalarType.Float32);
    }

    /// <summary>The values as a <see cref="BatchFeature"/> holding <c>pixel_values</c>; the caller disposes it.</summary>
    public BatchFeature ToBatchFeature() => new([new("pixel_values", ToTensor())]);

    /// <summary>Stacks equally shaped per-item CHW (or TCHW) arrays under a new leading batch axis.</summary>
    internal static PixelValues Stack(IReadOnlyList<float[]> items, long[] itemShape, string what)
    {
        if (items.Count == 0)
        {
            throw new ArgumentException($"No {what} to process.");
        }
        int itemLength = items[0].Length;
        var data = new float[(long)items.Count * itemLength];
        for (int i = 0; i < items.Count; i++)
        {
            items[i].CopyTo(data, (long)i * itemLength);
        }
        return new PixelValues(data, [items.Count, .. itemShape]);
    }
}
