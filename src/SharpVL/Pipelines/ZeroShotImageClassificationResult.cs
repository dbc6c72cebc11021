namespace SharpVL.Pipelines;

/// <summary>The candidate labels scored for one image.</summary>
/// <param name="Source">The image file, if the image came from one.</param>
/// <param name="Labels">Every candidate label with its probability, most probable first (ties keep the candidates' order).</param>
public sealed record ZeroShotImageClassificationResult(string? Source, IReadOnlyList<LabelScore> Labels);
