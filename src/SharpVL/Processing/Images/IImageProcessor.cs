namespace SharpVL.Processing.Images;

/// <summary>
/// An image or video processor (<see cref="CLIPImageProcessor"/>, <see cref="VideoMAEImageProcessor"/>,
/// <see cref="TvltImageProcessor"/>), as <see cref="ImageProcessorLoader"/> returns it: its configured options and the
/// common <see cref="IProcessor.Process"/> call.
/// </summary>
public interface IImageProcessor : IProcessor
{
    /// <summary>The processor's configured options (per-call variants: <c>Options with { ... }</c>).</summary>
    ImageProcessingOptions Options { get; }
}
