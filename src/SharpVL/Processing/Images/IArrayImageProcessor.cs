using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// What the fixture parity harness needs from an image/video processor: its options and a call on a raw
/// channels-last uint8 array with Python-style keyword arguments.
/// </summary>
public interface IArrayImageProcessor
{
    /// <summary>The processor's configured options.</summary>
    ImageProcessingOptions Options { get; }

    /// <summary>
    /// Runs the processor on a uint8 array laid out as the manifest's <c>videos</c> ([batch, frames, H, W, 3]) or
    /// <c>images</c> ([batch, H, W, C] / [batch, H, W]) input, with the case's <c>args</c>.
    /// </summary>
    PixelValues PreprocessArray(byte[] data, IReadOnlyList<long> shape, IReadOnlyDictionary<string, JsonElement>? callArguments = null);
}
