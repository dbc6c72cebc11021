using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpVL.Processing.Images;

/// <summary>
/// The horizontal pass vectorised over output values (AVX-512 VBMI): a group of 16 / channels consecutive output
/// pixels (16 bytes of output, 15 for RGB) reads its inputs from one 64-byte window of the row; for each tap a byte
/// permutation picks every lane's input byte from the window, which is widened to int32 and multiplied by that
/// lane's weight. The permutations and per-lane weights depend only on the coefficients, so they are built once per
/// resize and reused for every row.
/// </summary>
/// <remarks>
/// Interleaved channels are why the output is split into lanes rather than the taps: a pixel's taps are few (3 to 5
/// for video frames), while the lanes of one group cover several pixels and all their channels at once, so no
/// horizontal reduction is needed. Groups whose inputs span more than 64 bytes (strong downscaling) use the scalar loop.
/// </remarks>
internal sealed class PilHorizontalVectorPlan
{
    private const int Lanes = 16;
    private const int Window = 64;

    private readonly byte[] _permutations;
    private readonly int[] _laneWeights;
    private readonly int[] _taps;
    private readonly int _maxTaps;

    private PilHorizontalVectorPlan(int groups, int pixelsPerGroup, int maxTaps)
    {
        Groups = groups;
        PixelsPerGroup = pixelsPerGroup;
        _maxTaps = maxTaps;
        _permutations = new byte[groups * maxTaps * Lanes];
        _laneWeights = new int[groups * maxTaps * Lanes];
        _taps = new int[groups];
        WindowStart = new int[groups];
        Vectorizable = new bool[groups];
    }

    /// <summary>Whether this CPU has the instructions <see cref="Group"/> uses.</summary>
    internal static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>Number of output pixel groups in a row.</summary>
    internal int Groups { get; }

    /// <summary>Output pixels per group: 16, 5 or 4 for 1, 3 or 4 channels.</summary>
    internal int PixelsPerGroup { get; }

    /// <summary>Byte offset in the input row of each group's 64-byte window.</summary>
    internal int[] WindowStart { get; }

    /// <summary>
    /// Whether a group is handled by <see cref="Group"/>: its inputs fit one window and its 16-byte store stays inside
    /// the row (so rows resampled concurrently never write into each other).
    /// </summary>
    internal bool[] Vectorizable { get; }

    /// <summary>Builds the per-group permutations and lane weights for an axis resampled to <paramref name="outWidth"/> pixels.</summary>
    internal static PilHorizontalVectorPlan Create(AxisCoefficients c, int channels, int outWidth)
    {
        int pixels = Lanes / channels;
        int groups = (outWidth + pixels - 1) / pixels;
        int maxTaps = c.Count.Length == 0 ? 0 : c.Count.Max();
        var plan = new PilHorizontalVectorPlan(groups, pixels, maxTaps);
        for (int g = 0; g < groups; g++)
        {
            plan.Prepare(g, c, channels, outWidth);
        }
        return plan;
    }

    private void Prepare(int g, AxisCoefficients c, int channels, int outWidth)
    {
        int x0 = g * PixelsPerGroup;
        int start = c.First[x0] * channels;
        WindowStart[g] = start;
        if (x0 * channels + Lanes > outWidth * channels)
        {
            return;
        }
        int taps = 0;
        for (int p = 0; p < PixelsPerGroup; p++)
        {
            int xx = x0 + p;
            taps = Math.Max(taps, c.Count[xx]);
            if (c.First[xx] * channels < start || (c.First[xx] + c.Count[xx]) * channels - start > Window)
            {
                return;
            }
        }
        _taps[g] = taps;
        for (int j = 0; j < taps; j++)
        {
            int slot = g * _maxTaps + j;
            for (int p = 0; p < PixelsPerGroup; p++)
            {
                int xx = x0 + p;
                if (j >= c.Count[xx])
                {
                    continue; // weight 0, permutation index 0: the lane adds nothing for this tap
                }
                for (int ch = 0; ch < channels; ch++)
                {
                    int lane = p * channels + ch;
                    _permutations[slot * Lanes + lane] = (byte)((c.First[xx] + j) * channels + ch - start);
                    _laneWeights[slot * Lanes + lane] = c.Weights[xx * c.KernelSize + j];
                }
            }
        }
        Vectorizable[g] = true;
    }

    /// <summary>Computes group <paramref name="g"/>'s 16 output bytes from the input row <paramref name="src"/> into <paramref name="dst"/>.</summary>
    internal unsafe void Group(int g, byte* src, byte* dst)
    {
        var window = Vector512.Load(src + WindowStart[g]);
        var sum = Vector512.Create(PilFilterKernels.Half);
        fixed (byte* permutations = _permutations)
        fixed (int* laneWeights = _laneWeights)
        {
            int slot = g * _maxTaps;
            for (int j = 0; j < _taps[g]; j++, slot++)
            {
                // Only the low 16 control bytes (and so the low 16 result bytes) matter; the rest are never read.
                var picked = Avx512Vbmi.PermuteVar64x8(window, Vector128.Load(permutations + slot * Lanes).ToVector256Unsafe().ToVector512Unsafe());
                var widened = Avx512F.ConvertToVector512Int32(picked.GetLower().GetLower());
                sum += Avx512F.MultiplyLow(widened, Vector512.Load(laneWeights + slot * Lanes));
            }
        }
        PilVectorClip.Store16(sum, dst);
    }
}
