using SharpVL.Modeling;
using SharpVL.Processing.Video;
using SharpVL.Training.Data;

namespace SharpVL.Training;

/// <summary>How <see cref="TrainingTasks.Load"/> builds a task.</summary>
public sealed record TrainingTaskOptions
{
    /// <summary>VideoMAE only: train masked-autoencoder pre-training with this tube-mask ratio instead of classification.</summary>
    public double? MaskRatio { get; init; }

    /// <summary>Device, dtype and Hub options for loading the model.</summary>
    public ModelLoadOptions? Load { get; init; }

    /// <summary>The video decoder (default: <see cref="VideoReader.Default"/>).</summary>
    public VideoReader? Reader { get; init; }

    /// <summary>Training augmentation (null: none).</summary>
    public ClipAugmentation? Augmentation { get; init; } = ClipAugmentation.Default;

    /// <summary>
    /// Seeds the initialisation of a new classification head (and torch's global generator before the model is built,
    /// as Transformers' <c>set_seed</c> before <c>from_pretrained</c>), so the same seed gives the same head; null leaves
    /// both to torch's global generator as it is.
    /// </summary>
    public int? Seed { get; init; } = 42;

    /// <summary>Options with every default.</summary>
    public static TrainingTaskOptions Default { get; } = new();
}
