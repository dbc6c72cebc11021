using SharpVL.Checkpoints;
using TorchSharp;

namespace SharpVL.Tests.Modeling;

/// <summary>A checkpoint held in memory, for tests of the loading rules.</summary>
internal sealed class InMemoryTensorSource(IReadOnlyDictionary<string, torch.Tensor> tensors) : ITensorSource
{
    public IReadOnlyList<string> Keys { get; } = tensors.Keys.ToList();

    public TensorMetadata GetMetadata(string key) => new(key, tensors[key].dtype, tensors[key].shape);

    public torch.Tensor ReadTensor(string key) => tensors[key].clone();

    public void Dispose()
    {
    }
}
