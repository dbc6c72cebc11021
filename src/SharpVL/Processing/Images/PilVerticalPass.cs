using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpVL.Processing.Images;

/// <summary>
/// Pillow's vertical resampling pass (<c>ImagingResampleVertical_8bpc</c>): each output row is a weighted sum of a
/// few consecutive input rows, every byte of a row (all channels alike) using the same weight.
/// </summary>
internal static class PilVerticalPass
{
    /// <summary>Resamples the rows of <paramref name="input"/> (starting at <paramref name="rowOffset"/>) to <paramref name="outHeight"/> rows.</summary>
    internal static byte[] Run(byte[] input, int width, int channels, int rowOffset, int outHeight, AxisCoefficients c, bool vectorize)
    {
        int stride = width * channels;
        var output = new byte[outHeight * stride];
        long work = (long)outHeight * stride * c.KernelSize;
        bool avx512 = vectorize && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
        PilRowScheduler.ForEachRow(outHeight, work, yy => Row(input, output, yy, stride, rowOffset, c, avx512));
        return output;
    }

    /// <summary>
    /// One output row, accumulated tap by tap over whole rows. Integer sums are order-independent (and wrap the same
    /// way in any order), so this equals Pillow's per-pixel loop exactly.
    /// </summary>
    private static unsafe void Row(byte[] input, byte[] output, int yy, int stride, int rowOffset, AxisCoefficients c, bool avx512)
    {
        int ymin = c.First[yy] - rowOffset;
        int n = c.Count[yy];
        fixed (byte* inBase = input, outBase = output)
        fixed (int* weights = c.Weights)
        {
            byte* src = inBase + (long)ymin * stride;
            byte* dst = outBase + (long)yy * stride;
            int* k = weights + yy * c.KernelSize;
            int done = avx512 ? Avx512Columns(src, dst, stride, k, n) : 0;
            ScalarColumns(src, dst, done, stride, stride, k, n);
        }
    }

    /// <summary>
    /// 64 bytes per step in four 16-lane int32 accumulators (bytes zero-extended, multiplied by the broadcast weight),
    /// kept in registers across all taps; returns how many leading bytes of the row it wrote.
    /// </summary>
    private static unsafe int Avx512Columns(byte* src, byte* dst, int stride, int* k, int n)
    {
        var half = Vector512.Create(PilFilterKernels.Half);
        int i = 0;
        for (; i + 64 <= stride; i += 64)
        {
            Vector512<int> a0 = half, a1 = half, a2 = half, a3 = half;
            byte* p = src + i;
            for (int y = 0; y < n; y++, p += stride)
            {
                var w = Vector512.Create(k[y]);
                a0 += Avx512F.MultiplyLow(Avx512F.ConvertToVector512Int32(Vector128.Load(p)), w);
                a1 += Avx512F.MultiplyLow(Avx512F.ConvertToVector512Int32(Vector128.Load(p + 16)), w);
                a2 += Avx512F.MultiplyLow(Avx512F.ConvertToVector512Int32(Vector128.Load(p + 32)), w);
                a3 += Avx512F.MultiplyLow(Avx512F.ConvertToVector512Int32(Vector128.Load(p + 48)), w);
            }
            PilVectorClip.Store16(a0, dst + i);
            PilVectorClip.Store16(a1, dst + i + 16);
            PilVectorClip.Store16(a2, dst + i + 32);
            PilVectorClip.Store16(a3, dst + i + 48);
        }
        for (; i + 16 <= stride; i += 16)
        {
            var a = half;
            byte* p = src + i;
            for (int y = 0; y < n; y++, p += stride)
            {
                a += Avx512F.MultiplyLow(Avx512F.ConvertToVector512Int32(Vector128.Load(p)), Vector512.Create(k[y]));
            }
            PilVectorClip.Store16(a, dst + i);
        }
        return i;
    }

    /// <summary>The reference loop, also used for the bytes after the last whole vector.</summary>
    private static unsafe void ScalarColumns(byte* src, byte* dst, int from, int to, int stride, int* k, int n)
    {
        for (int i = from; i < to; i++)
        {
            int sum = PilFilterKernels.Half;
            byte* p = src + i;
            for (int y = 0; y < n; y++, p += stride)
            {
                sum += *p * k[y];
            }
            dst[i] = PilFilterKernels.Clip8(sum);
        }
    }
}
