namespace SharpVL.Training.Data;

/// <summary>One training video with its target: a class label (classification) or a caption (contrastive).</summary>
/// <param name="Path">The video file (absolute).</param>
/// <param name="Label">The class name, for classification data.</param>
/// <param name="Text">The caption, for contrastive (video, text) pairs.</param>
public sealed record TrainingExample(string Path, string? Label = null, string? Text = null);
