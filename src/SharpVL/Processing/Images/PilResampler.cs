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
/// ImageSharp, Magick.NET) implements these fixed-point kernels, so their output differs by a few levels.
/// </remarks>
public static class PilResampler
{
    /// <summary>
    /// Resizes <paramref name="source"/> to <paramref name="width"/> x <paramref name="height"/> exactly as Pillow
    /// does for an image of mode L (1 channel), RGB (3) or RGBA (4). RGBA goes through Pillow's premultiplied
    /// RGBa detour for every filter except <see cref="PilResample.Nearest"/>.
    /// </summary>
    /// <returns>A new image; the source is never modified.</returns>
    public static RgbImage Resize(RgbImage source, int width, int height, PilResample filter)
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
            return AlphaPremultiplication.Unpremultiply(ResizeSeparable(premultiplied, width, height, filter));
        }
        return ResizeSeparable(source, width, height, filter);
    }

    private static RgbImage ResizeSeparable(RgbImage source, int width, int height, PilResample filter)
    {
        int channels = source.Channels;
        bool needHorizontal = width != source.Width;
        bool needVertical = height != source.Height;

        var vertical = PilFilterKernels.Compute(source.Height, height, filter);
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
                firstRow = 0;
                lastRow = source.Height;
            }
            var horizontal = PilFilterKernels.Compute(source.Width, width, filter);
            pixels = ResampleRows(pixels, currentWidth, channels, firstRow, lastRow - firstRow, width, horizontal);
            currentWidth = width;
            rowOffset = firstRow;
        }
        if (needVertical)
        {
            pixels = ResampleColumns(pixels, currentWidth, channels, rowOffset, height, vertical);
        }
        return new RgbImage(width, needVertical ? height : source.Height, pixels, channels);
    }

    private static byte[] ResampleRows(
        byte[] input, int inWidth, int channels, int firstRow, int rows, int outWidth, AxisCoefficients c)
    {
        var output = new byte[rows * outWidth * channels];
        for (int y = 0; y < rows; y++)
        {
            int inRow = (firstRow + y) * inWidth * channels;
            int outRow = y * outWidth * channels;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int kBase = xx * c.KernelSize;
                int xmin = c.First[xx];
                int n = c.Count[xx];
                for (int ch = 0; ch < channels; ch++)
                {
                    int sum = 1 << (PilFilterKernels.PrecisionBits - 1);
                    for (int x = 0; x < n; x++)
                    {
                        sum += input[inRow + (xmin + x) * channels + ch] * c.Weights[kBase + x];
                    }
                    output[outRow + xx * channels + ch] = Clip8(sum);
                }
            }
        }
        return output;
    }

    private static byte[] ResampleColumns(
        byte[] input, int width, int channels, int rowOffset, int outHeight, AxisCoefficients c)
    {
        int stride = width * channels;
        var output = new byte[outHeight * stride];
        for (int yy = 0; yy < outHeight; yy++)
        {
            int kBase = yy * c.KernelSize;
            int ymin = c.First[yy] - rowOffset;
            int n = c.Count[yy];
            for (int i = 0; i < stride; i++)
            {
                int sum = 1 << (PilFilterKernels.PrecisionBits - 1);
                for (int y = 0; y < n; y++)
                {
                    sum += input[(ymin + y) * stride + i] * c.Weights[kBase + y];
                }
                output[yy * stride + i] = Clip8(sum);
            }
        }
        return output;
    }

    /// <summary>Pillow's clip8: drop the fraction bits (arithmetic shift, i.e. floor) and saturate to 0..255.</summary>
    private static byte Clip8(int sum)
    {
        int v = sum >> PilFilterKernels.PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
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
