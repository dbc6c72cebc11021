namespace SharpVL.Processing.Images;

/// <summary>
/// Pillow 9.4's resampling kernels and its per-output-pixel coefficient tables
/// (<c>libImaging/Resample.c</c>: <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c>).
/// </summary>
internal static class PilFilterKernels
{
    /// <summary>8 bits of result, 2 bits of headroom for negative lobes / sums above 1, in a 32-bit int.</summary>
    internal const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The rounding offset every sum starts from, so that the final shift rounds half up.</summary>
    internal const int Half = 1 << (PrecisionBits - 1);

    /// <summary>Pillow's clip8: drop the fraction bits (arithmetic shift, i.e. floor) and saturate to 0..255.</summary>
    internal static byte Clip8(int sum)
    {
        int v = sum >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>The kernel's half-width at scale 1.</summary>
    internal static double Support(PilResample filter) => filter switch
    {
        PilResample.Box => 0.5,
        PilResample.Bilinear => 1.0,
        PilResample.Hamming => 1.0,
        PilResample.Bicubic => 2.0,
        PilResample.Lanczos => 3.0,
        _ => throw new ArgumentException($"Resampling filter {filter} has no convolution kernel.", nameof(filter)),
    };

    /// <summary>Evaluates the kernel at <paramref name="x"/> (in input-pixel units scaled by 1/filterscale).</summary>
    internal static double Evaluate(PilResample filter, double x) => filter switch
    {
        PilResample.Box => x > -0.5 && x <= 0.5 ? 1.0 : 0.0,
        PilResample.Bilinear => Triangle(x),
        PilResample.Hamming => Hamming(x),
        PilResample.Bicubic => Cubic(x),
        PilResample.Lanczos => Lanczos(x),
        _ => throw new ArgumentException($"Resampling filter {filter} has no convolution kernel.", nameof(filter)),
    };

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0)
        {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }
        if (x >= 1.0)
        {
            return 0.0;
        }
        x *= Math.PI;
        // Pillow writes these window constants as C float literals, so they enter the double
        // expression with float rounding (0.54f != 0.54); keeping that is part of being bit-exact.
        return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    /// <summary>
    /// Coefficients for resampling an axis of <paramref name="inSize"/> pixels to <paramref name="outSize"/>:
    /// for output pixel i, input pixels <c>First[i] .. First[i] + Count[i] - 1</c> weighted by
    /// <c>Weights[i * KernelSize + j]</c> (fixed point with <see cref="PrecisionBits"/> fraction bits).
    /// </summary>
    internal static AxisCoefficients Compute(int inSize, int outSize, PilResample filter)
    {
        // Pillow passes the box edges as C floats; for a whole-image box they are exact integers.
        double scale = (double)((float)inSize - 0f) / outSize;
        double filterScale = Math.Max(scale, 1.0);
        // Widening the kernel by the shrink factor is what makes downscaling antialiased.
        double support = Support(filter) * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;

        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var k = new double[kernelSize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            // Casts truncate toward zero exactly like Pillow's (int) casts; negatives are clamped just after.
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }
            xmax -= xmin;

            double ww = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = Evaluate(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                if (ww != 0.0)
                {
                    k[x] /= ww;
                }
                weights[xx * kernelSize + x] = k[x] < 0
                    ? (int)(-0.5 + k[x] * (1 << PrecisionBits))
                    : (int)(0.5 + k[x] * (1 << PrecisionBits));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new AxisCoefficients(first, count, weights, kernelSize);
    }
}

/// <summary>Fixed-point resampling coefficients for one axis (see <see cref="PilFilterKernels.Compute"/>).</summary>
internal sealed record AxisCoefficients(int[] First, int[] Count, int[] Weights, int KernelSize);
