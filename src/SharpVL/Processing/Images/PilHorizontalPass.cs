namespace SharpVL.Processing.Images;

/// <summary>
/// Pillow's horizontal resampling pass (<c>ImagingResampleHorizontal_8bpc</c>): each output pixel is a weighted sum
/// of a few consecutive input pixels of the same row, channel by channel.
/// </summary>
internal static class PilHorizontalPass
{
    /// <summary>Resamples rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="rows"/> - 1 to <paramref name="outWidth"/> pixels.</summary>
    internal static byte[] Run(
        byte[] input, int inWidth, int channels, int firstRow, int rows, int outWidth, PilResample filter, bool vectorize)
    {
        var c = PilResamplingCache.Axis(inWidth, outWidth, filter);
        var output = new byte[rows * outWidth * channels];
        long work = (long)rows * outWidth * channels * c.KernelSize;
        var plan = vectorize && PilHorizontalVectorPlan.IsSupported ? PilResamplingCache.HorizontalPlan(inWidth, outWidth, filter, channels) : null;
        int inStride = inWidth * channels;
        int outStride = outWidth * channels;
        PilRowScheduler.ForEachRow(rows, work, y => Row(input, (firstRow + y) * inStride, output, y * outStride, outWidth, channels, c, plan));
        return output;
    }

    private static unsafe void Row(
        byte[] input, int inOffset, byte[] output, int outOffset, int outWidth, int channels, AxisCoefficients c, PilHorizontalVectorPlan? plan)
    {
        fixed (byte* inBase = input, outBase = output)
        fixed (int* weights = c.Weights)
        {
            byte* src = inBase + inOffset;
            byte* dst = outBase + outOffset;
            if (plan is null)
            {
                ScalarPixels(src, dst, 0, outWidth, channels, c, weights);
                return;
            }
            // A group's 64-byte window load must stay inside the input array (the last row's last groups may not).
            long readable = input.Length - (long)inOffset;
            plan.VectorGroups(src, dst, readable, channels);
            for (int g = 0; g < plan.Groups; g++)
            {
                if (!plan.Vectorizable[g] || plan.WindowStart[g] + 64L > readable)
                {
                    int x0 = g * plan.PixelsPerGroup;
                    ScalarPixels(src, dst, x0, Math.Min(x0 + plan.PixelsPerGroup, outWidth), channels, c, weights);
                }
            }
        }
    }

    /// <summary>The reference loop for output pixels <paramref name="from"/> .. <paramref name="to"/> - 1.</summary>
    private static unsafe void ScalarPixels(byte* src, byte* dst, int from, int to, int channels, AxisCoefficients c, int* weights)
    {
        for (int xx = from; xx < to; xx++)
        {
            int* k = weights + xx * c.KernelSize;
            int n = c.Count[xx];
            byte* p = src + c.First[xx] * channels;
            byte* d = dst + xx * channels;
            for (int ch = 0; ch < channels; ch++)
            {
                int sum = PilFilterKernels.Half;
                for (int x = 0; x < n; x++)
                {
                    sum += p[x * channels + ch] * k[x];
                }
                d[ch] = PilFilterKernels.Clip8(sum);
            }
        }
    }
}
