namespace SharpVL.Modeling;

/// <summary>What loading a checkpoint into a model found, as Transformers reports it after <c>from_pretrained</c>.</summary>
/// <param name="MissingKeys">Model weights the checkpoint lacked (freshly initialized).</param>
/// <param name="UnexpectedKeys">Checkpoint tensors the model has no place for (ignored).</param>
/// <param name="MismatchedKeys">Weights re-initialized because their shape differed (only with IgnoreMismatchedSizes).</param>
public sealed record LoadReport(
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> MismatchedKeys);
