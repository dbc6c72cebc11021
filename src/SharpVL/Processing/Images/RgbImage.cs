namespace SharpVL.Processing.Images;

/// <summary>
/// An 8-bit interleaved image in memory (height × width × channels, row-major), the form in which
/// decoded video frames and image files reach the processors. Channels is 3 (RGB) unless stated otherwise.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    public RgbImage(int width, int height, byte[] pixels, int channels = 3)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"Image size must be positive, got {width}x{height}.");
        }
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentException($"Images have 1, 3 or 4 channels, got {channels}.", nameof(channels));
        }
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException(
                $"A {width}x{height}x{channels} image needs {(long)width * height * channels} bytes, got {pixels.Length}.",
                nameof(pixels));
        }
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved channels per pixel: 1 (L), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    /// <summary>Pixel bytes, row-major, channels interleaved.</summary>
    public byte[] Pixels { get; }
}
