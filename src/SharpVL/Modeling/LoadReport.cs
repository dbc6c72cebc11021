namespace SharpVL.Modeling;

/// <summary>What loading a checkpoint into a model found, as Transformers reports it after <c>from_pretrained</c>.</summary>
/// <param name="MissingKeys">Model weights the checkpoint lacked (freshly initialized).</param>
/// <param name="UnexpectedKeys">Checkpoint tensors the model has no place for (ignored).</param>
/// <param name="MismatchedKeys">Weights re-initialized because their shape differed (only with IgnoreMismatchedSizes).</param>
/// <param name="SkippedKeys">A tower loaded from its composite model's checkpoint: the other components' tensors,
/// expected there and skipped without a warning.</param>
public sealed record LoadReport(
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> MismatchedKeys,
    IReadOnlyList<string> SkippedKeys);
