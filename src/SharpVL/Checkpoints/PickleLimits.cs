namespace SharpVL.Checkpoints;

/// <summary>
/// How much work and memory <see cref="RestrictedUnpickler"/> may spend on one pickle. A state dict pickle is a flat
/// dict of tensor descriptions: it needs a shallow stack, a few MARKs deep, short strings, and memory in proportion to its
/// own size (measured on torch.save output: about 10 estimated bytes per pickle byte, so at most 24 are allowed). A pickle that asks for more is
/// not a state dict, and is refused as soon as it crosses a limit, before it can exhaust memory.
/// </summary>
/// <param name="MaxStackDepth">Values on the stack at once (a state dict's SETITEMS batches hold about 2,000).</param>
/// <param name="MaxMarkDepth">Nested MARKs (a state dict nests 3).</param>
/// <param name="MaxStringBytes">Longest string (keys and dtype names are short).</param>
/// <param name="MaxTensorRank">Most dimensions of one tensor (libtorch's own limit is 64).</param>
/// <param name="MemoryBudget">Estimated bytes of every object the pickle creates, together.</param>
internal sealed record PickleLimits(int MaxStackDepth, int MaxMarkDepth, int MaxStringBytes, int MaxTensorRank, long MemoryBudget)
{
    /// <summary>Largest <c>data.pkl</c> read at all: about 200,000 tensors' worth of state dict.</summary>
    public const long MaxPickleBytes = 32L << 20;

    /// <summary>How much a compressed <c>data.pkl</c> may expand (torch.save stores it uncompressed; zip tools reach ~5×).</summary>
    public const long MaxCompressionRatio = 32;

    /// <summary>The limits for a pickle of <paramref name="pickleBytes"/> bytes.</summary>
    public static PickleLimits For(long pickleBytes) => new(
        MaxStackDepth: 100_000,
        MaxMarkDepth: 1_000,
        MaxStringBytes: 1 << 20,
        MaxTensorRank: 64,
        MemoryBudget: (8L << 20) + (24 * pickleBytes));
}
