using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpVL.Processing.Images;

/// <summary>
/// Pillow's vertical resampling pass (<c>ImagingResampleVertical_8bpc</c>): each output row is a weighted sum of a
/// few consecutive input rows, every byte of a row (all channels alike) using the same weight.
/// </summary>
internal static class PilVerticalPass
{
    private enum Kernel
    {
        Scalar,
        Avx2,
        Avx512,
    }

    /// <summary>Resamples the rows of <paramref name="input"/> (starting at <paramref name="rowOffset"/>) to <paramref name="outHeight"/> rows.</summary>
    internal static byte[] Run(byte[] input, int width, int channels, int rowOffset, int outHeight, AxisCoefficients c, bool vectorize)
    {
        int stride = width * channels;
        var output = new byte[outHeight * stride];
        long work = (long)outHeight * stride * c.KernelSize;
        var kernel = !vectorize ? Kernel.Scalar
            : Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Kernel.Avx512
            : Vector256.IsHardwareAccelerated && Avx2.IsSupported ? Kernel.Avx2
            : Kernel.Scalar;
        PilRowScheduler.ForEachRow(outHeight, work, yy => Row(input, output, yy, stride, rowOffset, c, kernel));
        return output;
    }

    /// <summary>
    /// One output row, accumulated tap by tap over whole rows. Integer sums are order-independent (and wrap the same
    /// way in any order), so this equals Pillow's per-pixel loop exactly.
    /// </summary>
    private static unsafe void Row(byte[] input, byte[] output, int yy, int stride, int rowOffset, AxisCoefficients c, Kernel kernel)
    {
        int ymin = c.First[yy] - rowOffset;
        int n = c.Count[yy];
        fixed (byte* inBase = input, outBase = output)
        fixed (int* weights = c.Weights)
        {
            byte* src = inBase + (long)ymin * stride;
            byte* dst = outBase + (long)yy * stride;
            int* k = weights + yy * c.KernelSize;
            int done = kernel switch
            {
                Kernel.Avx512 => Avx512Columns(src, dst, stride, k, n),
                Kernel.Avx2 => Avx2Columns(src, dst, stride, k, n),
                _ => 0,
            };
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

    /// <summary>
    /// The same for CPUs without AVX-512: 16 bytes per step in two 8-lane accumulators, clipped by saturating packs
    /// (int32 to int16, then int16 to unsigned bytes, which clamps below 0 and above 255 like clip8).
    /// </summary>
    private static unsafe int Avx2Columns(byte* src, byte* dst, int stride, int* k, int n)
    {
        var half = Vector256.Create(PilFilterKernels.Half);
        int i = 0;
        for (; i + 16 <= stride; i += 16)
        {
            Vector256<int> a0 = half, a1 = half;
            byte* p = src + i;
            for (int y = 0; y < n; y++, p += stride)
            {
                var w = Vector256.Create(k[y]);
                a0 += Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(Load8(p)), w);
                a1 += Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(Load8(p + 8)), w);
            }
            var shorts = Avx2.PackSignedSaturate(
                Avx2.ShiftRightArithmetic(a0, PilFilterKernels.PrecisionBits), Avx2.ShiftRightArithmetic(a1, PilFilterKernels.PrecisionBits));
            // The pack works per 128-bit half; restore the order a0[0..3], a0[4..7], a1[0..3], a1[4..7].
            shorts = Avx2.Permute4x64(shorts.AsInt64(), 0b11_01_10_00).AsInt16();
            Sse2.PackUnsignedSaturate(shorts.GetLower(), shorts.GetUpper()).Store(dst + i);
        }
        return i;
    }

    /// <summary>Exactly 8 bytes (a 16-byte load at the row's last step could run past the end of the array).</summary>
    private static unsafe Vector128<byte> Load8(byte* p) => Vector128.CreateScalar(*(ulong*)p).AsByte();

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
