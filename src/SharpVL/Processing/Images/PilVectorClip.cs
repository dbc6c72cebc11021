using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpVL.Processing.Images;

/// <summary>Pillow's clip8 on 16 int32 sums at once (AVX-512), shared by both resampling passes.</summary>
internal static class PilVectorClip
{
    /// <summary>
    /// Drops the fraction bits with an arithmetic shift (floor, as <see cref="PilFilterKernels.Clip8"/>), clamps
    /// negatives to 0, and narrows with unsigned saturation (which clamps above 255) into 16 bytes at <paramref name="dst"/>.
    /// </summary>
    internal static unsafe void Store16(Vector512<int> sums, byte* dst)
    {
        var shifted = Avx512F.ShiftRightArithmetic(sums, PilFilterKernels.PrecisionBits);
        var nonNegative = Avx512F.Max(shifted, Vector512<int>.Zero).AsUInt32();
        Avx512F.ConvertToVector128ByteWithSaturation(nonNegative).Store(dst);
    }
}
