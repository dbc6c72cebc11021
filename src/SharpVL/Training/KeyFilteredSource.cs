using SharpVL.Checkpoints;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>A checkpoint seen without the keys under some prefixes (so a new head is initialised, not loaded).</summary>
internal sealed class KeyFilteredSource(ITensorSource inner, IReadOnlyList<string> droppedPrefixes) : ITensorSource
{
    public IReadOnlyList<string> Keys { get; } =
        [.. inner.Keys.Where(k => !droppedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal) || k.Contains("." + p, StringComparison.Ordinal)))];

    public TensorMetadata GetMetadata(string key) => inner.GetMetadata(key);

    public Tensor ReadTensor(string key) => inner.ReadTensor(key);

    // The caller owns the inner source and disposes it.
    public void Dispose()
    {
    }
}
