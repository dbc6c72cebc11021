namespace SharpVL.Processing.Images;

/// <summary>
/// Bit-exact port of Pillow 9.4's <c>Image.resize((w, h), resample)</c> for 8-bit L, RGB and RGBA images
/// (whole-image box, <c>reducing_gap=None</c>).
/// </summary>
/// <remarks>
/// Hand-written on purpose: Transformers' image processors resize with Pillow, and the reference pixel values
/// are only reproduced (tolerance 1e-5, i.e. every uint8 level) with Pillow's exact arithmetic: a separable
/// convolution (horizontal pass first, then vertical, each skipped when that axis keeps its size) whose support
/// grows with the shrink factor, coefficients normalised per output pixel and rounded to 22-bit fixed point,
/// and a half-up rounding offset before the final clip to 0..255. No .NET imaging library (SkiaSharp,
/// ImageSharp, Magick.NET) exposes these fixed-point kernels, so none can be used to match Pillow to the uint8 level.
/// </remarks>
public static class PilResampler
{
    /// <summary>
    /// Resizes <paramref name="source"/> to <paramref name="width"/> x <paramref name="height"/> exactly as Pillow
    /// does for an image of mode L (1 channel), RGB (3) or RGBA (4). RGBA goes through Pillow's premultiplied
    /// RGBa detour for every filter except <see cref="PilResample.Nearest"/>.
    /// </summary>
    /// <returns>A new image; the source is never modified.</returns>
    public static RgbImage Resize(RgbImage source, int width, int height, PilResample filter) =>
        Resize(source, width, height, filter, vectorize: true);

    /// <summary>
    /// <see cref="Resize(RgbImage, int, int, PilResample)"/> with the SIMD kernels switchable off, so tests can prove
    /// they produce the reference scalar loops' bytes exactly.
    /// </summary>
    internal static RgbImage Resize(RgbImage source, int width, int height, PilResample filter, bool vectorize)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"Target size must be positive, got {width}x{height}.");
        }
        if (!Enum.IsDefined(filter))
        {
            throw new ArgumentException($"Unknown Pillow resampling filter {(int)filter}.", nameof(filter));
        }
        if (width == source.Width && height == source.Height)
        {
            return new RgbImage(width, height, (byte[])source.Pixels.Clone(), source.Channels);
        }
        if (filter == PilResample.Nearest)
        {
            return ResizeNearest(source, width, height);
        }
        if (source.Channels == 4)
        {
            // Pillow resamples RGBA as premultiplied RGBa so that transparent pixels do not bleed their colour.
            var premultiplied = AlphaPremultiplication.Premultiply(source);
            return AlphaPremultiplication.Unpremultiply(ResizeSeparable(premultiplied, width, height, filter, vectorize));
        }
        return ResizeSeparable(source, width, height, filter, vectorize);
    }

    private static RgbImage ResizeSeparable(RgbImage source, int width, int height, PilResample filter, bool vectorize)
    {
        int channels = source.Channels;
        bool needHorizontal = width != source.Width;
        bool needVertical = height != source.Height;

        var vertical = PilResamplingCache.Axis(source.Height, height, filter);
        // Only the rows some output row reads are filtered horizontally (Pillow's ybox_first/ybox_last).
        int firstRow = vertical.First[0];
        int lastRow = vertical.First[height - 1] + vertical.Count[height - 1];

        byte[] pixels = source.Pixels;
        int currentWidth = source.Width;
        int rowOffset = 0;
        if (needHorizontal)
        {
            if (!needVertical)
            {
                // With the height unchanged the vertical bounds cover every row anyway; the horizontal result is the output.
                firstRow = 0;
                lastRow = source.Height;
            }
            pixels = PilHorizontalPass.Run(pixels, currentWidth, channels, firstRow, lastRow - firstRow, width, filter, vectorize);
            currentWidth = width;
            rowOffset = firstRow;
        }
        if (needVertical)
        {
            pixels = PilVerticalPass.Run(pixels, currentWidth, channels, rowOffset, height, vertical, vectorize);
        }
        return new RgbImage(width, needVertical ? height : source.Height, pixels, channels);
    }

    /// <summary>
    /// Pillow's NEAREST resize is an affine scale transform (<c>ImagingScaleAffine</c>): source coordinates
    /// advance by the scale in double precision from the first pixel centre and are truncated.
    /// </summary>
    private static RgbImage ResizeNearest(RgbImage source, int width, int height)
    {
        int channels = source.Channels;
        double ax = (double)source.Width / width;
        double ay = (double)source.Height / height;
        var xin = new int[width];
        double xo = ax * 0.5;
        for (int x = 0; x < width; x++)
        {
            xin[x] = Coord(xo);
            xo += ax;
        }
        var output = new byte[width * height * channels];
        double yo = ay * 0.5;
        for (int y = 0; y < height; y++)
        {
            int yi = Coord(yo);
            yo += ay;
            if (yi < 0 || yi >= source.Height)
            {
                continue; // Pillow fills unmapped pixels with zeros.
            }
            for (int x = 0; x < width; x++)
            {
                if (xin[x] < 0 || xin[x] >= source.Width)
                {
                    continue;
                }
                Array.Copy(source.Pixels, (yi * source.Width + xin[x]) * channels, output, (y * width + x) * channels, channels);
            }
        }
        return new RgbImage(width, height, output, channels);
    }

    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;
}
