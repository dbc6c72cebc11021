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
    /// Seeds torch's generator before the model is built, so a newly initialised head is the same in every run with this
    /// seed (Transformers' <c>set_seed</c> before <c>from_pretrained</c>); null leaves the generator as it is.
    /// </summary>
    public int? Seed { get; init; } = 42;

    /// <summary>Options with every default.</summary>
    public static TrainingTaskOptions Default { get; } = new();
}
