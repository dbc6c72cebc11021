using SharpVL.Processing.Images;

namespace SharpVL.Processing;

/// <summary>
/// The one call every SharpVL processor answers (Transformers' <c>processor(text=..., images=..., videos=..., audio=...)</c>):
/// <see cref="Models.Auto.AutoProcessor"/> returns this, whatever the model family.
/// </summary>
public interface IProcessor
{
    /// <summary>Prepares the given inputs as the model's input tensors; the caller disposes the result.</summary>
    /// <exception cref="ArgumentException">No input this processor handles was given, or an input is invalid.</exception>
    BatchFeature Process(ProcessorInputs inputs);
}

/// <summary>Inputs for <see cref="IProcessor.Process"/>; a processor reads the kinds it handles and rejects the others.</summary>
public sealed record ProcessorInputs
{
    /// <summary>Texts to tokenize.</summary>
    public IReadOnlyList<string>? Texts { get; init; }

    /// <summary>Still images.</summary>
    public IReadOnlyList<RgbImage>? Images { get; init; }

    /// <summary>Videos, each a list of frames.</summary>
    public IReadOnlyList<IReadOnlyList<RgbImage>>? Videos { get; init; }

    /// <summary>Mono waveforms.</summary>
    public IReadOnlyList<float[]>? Audio { get; init; }

    /// <summary>The waveforms' sampling rate (checked against the processor's).</summary>
    public int? SamplingRate { get; init; }

    /// <summary>Throws when an input kind the processor does not handle was given.</summary>
    internal void RejectOthers(string processor, bool texts = false, bool images = false, bool videos = false, bool audio = false)
    {
        var unexpected = new[] { (Texts is not null && !texts, "texts"), (Images is not null && !images, "images"),
            (Videos is not null && !videos, "videos"), (Audio is not null && !audio, "audio") }
            .Where(p => p.Item1).Select(p => p.Item2).ToList();
        if (unexpected.Count > 0)
        {
            throw new ArgumentException($"{processor} does not take {string.Join(" or ", unexpected)}.");
        }
    }
}
