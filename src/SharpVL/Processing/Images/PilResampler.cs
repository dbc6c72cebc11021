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
                // With the height unchanged the vertical bounds cover every row anyway; the horizontal result is the output.
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

    /// <summary>Below this many multiply-adds a pass runs on one thread (thread start-up would dominate).</summary>
    private const long ParallelThreshold = 1 << 20;

    private static byte[] ResampleRows(
        byte[] input, int inWidth, int channels, int firstRow, int rows, int outWidth, AxisCoefficients c)
    {
        var output = new byte[rows * outWidth * channels];
        long work = (long)rows * outWidth * channels * c.KernelSize;
        ForEachRow(rows, work, y => ResampleRow(input, (firstRow + y) * inWidth * channels, output, y * outWidth * channels, outWidth, channels, c));
        return output;
    }

    private static unsafe void ResampleRow(byte[] input, int inOffset, byte[] output, int outOffset, int outWidth, int channels, AxisCoefficients c)
    {
        const int half = 1 << (PilFilterKernels.PrecisionBits - 1);
        fixed (byte* inBase = input, outBase = output)
        fixed (int* weights = c.Weights)
        {
            byte* src = inBase + inOffset;
            byte* dst = outBase + outOffset;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int* k = weights + xx * c.KernelSize;
                int n = c.Count[xx];
                byte* p = src + c.First[xx] * channels;
                if (channels == 3)
                {
                    int s0 = half, s1 = half, s2 = half;
                    for (int x = 0; x < n; x++, p += 3)
                    {
                        s0 += p[0] * k[x];
                        s1 += p[1] * k[x];
                        s2 += p[2] * k[x];
                    }
                    dst[0] = Clip8(s0);
                    dst[1] = Clip8(s1);
                    dst[2] = Clip8(s2);
                    dst += 3;
                    continue;
                }
                for (int ch = 0; ch < channels; ch++)
                {
                    int sum = half;
                    for (int x = 0; x < n; x++)
                    {
                        sum += p[x * channels + ch] * k[x];
                    }
                    *dst++ = Clip8(sum);
                }
            }
        }
    }

    private static byte[] ResampleColumns(
        byte[] input, int width, int channels, int rowOffset, int outHeight, AxisCoefficients c)
    {
        int stride = width * channels;
        var output = new byte[outHeight * stride];
        long work = (long)outHeight * stride * c.KernelSize;
        ForEachRow(outHeight, work, yy => ResampleColumnRow(input, output, yy, stride, rowOffset, c));
        return output;
    }

    /// <summary>
    /// One output row of the vertical pass, accumulated tap by tap over whole rows (cache-friendly). Integer sums
    /// are order-independent, so this equals Pillow's per-pixel loop exactly.
    /// </summary>
    private static unsafe void ResampleColumnRow(byte[] input, byte[] output, int yy, int stride, int rowOffset, AxisCoefficients c)
    {
        var acc = new int[stride];
        Array.Fill(acc, 1 << (PilFilterKernels.PrecisionBits - 1));
        int ymin = c.First[yy] - rowOffset;
        int n = c.Count[yy];
        fixed (byte* inBase = input, outBase = output)
        fixed (int* a = acc)
        {
            for (int y = 0; y < n; y++)
            {
                int k = c.Weights[yy * c.KernelSize + y];
                byte* row = inBase + (long)(ymin + y) * stride;
                for (int i = 0; i < stride; i++)
                {
                    a[i] += row[i] * k;
                }
            }
            byte* dst = outBase + (long)yy * stride;
            for (int i = 0; i < stride; i++)
            {
                dst[i] = Clip8(a[i]);
            }
        }
    }

    private static void ForEachRow(int rows, long work, Action<int> body)
    {
        if (work < ParallelThreshold)
        {
            for (int y = 0; y < rows; y++)
            {
                body(y);
            }
            return;
        }
        Parallel.For(0, rows, body);
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
