using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>Shape and storage type of one tensor in a checkpoint, known without reading its data.</summary>
/// <param name="Name">The state-dict key.</param>
/// <param name="DType">The stored element type.</param>
/// <param name="Shape">The stored shape (empty for a rank-0 tensor).</param>
public sealed record TensorMetadata(string Name, torch.ScalarType DType, long[] Shape);

/// <summary>
/// A checkpoint opened for reading: tensors are materialized one at a time, on demand, so a model loads
/// without a second full copy of its weights in memory.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Every state-dict key, in file order.</summary>
    IReadOnlyList<string> Keys { get; }

    /// <summary>Shape and dtype of <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the key.</summary>
    TensorMetadata GetMetadata(string key);

    /// <summary>Reads <paramref name="key"/> into a new CPU tensor with the stored dtype and shape.</summary>
    torch.Tensor ReadTensor(string key);
}
