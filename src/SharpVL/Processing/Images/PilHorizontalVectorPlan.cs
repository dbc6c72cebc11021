using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpVL.Processing.Images;

/// <summary>
/// The horizontal pass vectorised over output values (AVX-512 VBMI and BW): a group of 16 / channels consecutive
/// output pixels (16 bytes of output, 15 for RGB) reads its inputs from one 64-byte window of the row. For each pair
/// of taps one two-table byte permutation (the second table all zeros) puts every lane's two input bytes into the two
/// 16-bit halves of its int32, and <c>vpmaddwd</c> multiplies them by the lane's two weights and adds the products.
/// The 22-bit weights do not fit 16 bits, so each is split as <c>hi * 2^11 + lo</c> (lo in 0..2047) and the two
/// partial sums are recombined as <c>(hi sum &lt;&lt; 11) + lo sum</c>: integer arithmetic modulo 2^32, hence exactly
/// the scalar sum. Permutations and split weights depend only on the coefficients, so they are built once per resize.
/// </summary>
internal sealed class PilHorizontalVectorPlan
{
    private const int Lanes = 16;
    private const int Window = 64;
    private const int LowBits = 11;

    /// <summary>A permutation index past the window: picks from the all-zero second table.</summary>
    private const byte Zero = Window;

    private readonly byte[] _permutations;
    private readonly short[] _highWeights;
    private readonly short[] _lowWeights;
    private readonly int[] _pairs;
    private readonly int _maxPairs;

    private PilHorizontalVectorPlan(int groups, int pixelsPerGroup, int maxTaps)
    {
        Groups = groups;
        PixelsPerGroup = pixelsPerGroup;
        _maxPairs = (maxTaps + 1) / 2;
        _permutations = new byte[groups * _maxPairs * Window];
        Array.Fill(_permutations, Zero);
        _highWeights = new short[groups * _maxPairs * Lanes * 2];
        _lowWeights = new short[groups * _maxPairs * Lanes * 2];
        _pairs = new int[groups];
        WindowStart = new int[groups];
        Vectorizable = new bool[groups];
    }

    /// <summary>Whether this CPU has the instructions <see cref="VectorGroups"/> uses.</summary>
    internal static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>Number of output pixel groups in a row.</summary>
    internal int Groups { get; }

    /// <summary>Output pixels per group: 16, 5 or 4 for 1, 3 or 4 channels.</summary>
    internal int PixelsPerGroup { get; }

    /// <summary>Byte offset in the input row of each group's 64-byte window.</summary>
    internal int[] WindowStart { get; }

    /// <summary>
    /// Whether a group is handled by <see cref="VectorGroups"/>: its inputs fit one window and its 16-byte store stays inside
    /// the row (so rows resampled concurrently never write into each other).
    /// </summary>
    internal bool[] Vectorizable { get; }

    /// <summary>Builds the per-group permutations and lane weights for an axis resampled to <paramref name="outWidth"/> pixels.</summary>
    internal static PilHorizontalVectorPlan Create(AxisCoefficients c, int channels, int outWidth)
    {
        int pixels = Lanes / channels;
        int groups = (outWidth + pixels - 1) / pixels;
        // A group whose taps span more than one window stays scalar, so no vector group has more than Window / channels
        // taps: sizing the tables by that (not by a strong downscale's widest kernel) keeps them small.
        int maxTaps = c.Count.Length == 0 ? 0 : Math.Min(c.Count.Max(), Window / channels);
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
        for (int p = 0; p < PixelsPerGroup; p++)
        {
            for (int j = 0; j < c.Count[x0 + p]; j++)
            {
                if (c.Weights[((x0 + p) * c.KernelSize) + j] >> LowBits is < short.MinValue or > short.MaxValue)
                {
                    return; // a coefficient of 16 or more cannot occur after normalisation; stay exact if it ever does
                }
            }
        }
        _pairs[g] = (taps + 1) / 2;
        for (int j = 0; j < taps; j++)
        {
            // Tap j goes to the low (even j) or high (odd j) 16-bit half of each lane's int32 in pair slot j / 2.
            int slot = (g * _maxPairs) + (j / 2);
            int half = j % 2;
            for (int p = 0; p < PixelsPerGroup; p++)
            {
                int xx = x0 + p;
                if (j >= c.Count[xx])
                {
                    continue; // index Zero and weight 0: the lane adds nothing for this tap
                }
                int weight = c.Weights[(xx * c.KernelSize) + j];
                for (int ch = 0; ch < channels; ch++)
                {
                    int lane = (p * channels) + ch;
                    _permutations[(slot * Window) + (lane * 4) + (half * 2)] = (byte)(((c.First[xx] + j) * channels) + ch - start);
                    _highWeights[(slot * Lanes * 2) + (lane * 2) + half] = (short)(weight >> LowBits);
                    _lowWeights[(slot * Lanes * 2) + (lane * 2) + half] = (short)(weight & ((1 << LowBits) - 1));
                }
            }
        }
        Vectorizable[g] = true;
    }

    /// <summary>
    /// Writes every vectorisable group of one output row whose window lies within the first <paramref name="readable"/>
    /// bytes of <paramref name="src"/>; the caller computes the other groups afterwards (an RGB group's 16-byte store
    /// spills one garbage byte into the next group, which that group's own store, vector or scalar, then overwrites).
    /// </summary>
    internal unsafe void VectorGroups(byte* src, byte* dst, long readable, int channels)
    {
        var rounding = Vector512.Create(PilFilterKernels.Half);
        fixed (byte* permutations = _permutations)
        fixed (short* highWeights = _highWeights, lowWeights = _lowWeights)
        {
            for (int g = 0; g < Groups; g++)
            {
                if (!Vectorizable[g] || WindowStart[g] + (long)Window > readable)
                {
                    continue;
                }
                var window = Vector512.Load(src + WindowStart[g]);
                var high = Vector512<int>.Zero;
                var low = Vector512<int>.Zero;
                int slot = g * _maxPairs;
                for (int j = 0; j < _pairs[g]; j++, slot++)
                {
                    var pixels = Avx512Vbmi.PermuteVar64x8x2(window, Vector512.Load(permutations + (slot * Window)), Vector512<byte>.Zero).AsInt16();
                    high += Avx512BW.MultiplyAddAdjacent(pixels, Vector512.Load(highWeights + (slot * Lanes * 2)));
                    low += Avx512BW.MultiplyAddAdjacent(pixels, Vector512.Load(lowWeights + (slot * Lanes * 2)));
                }
                PilVectorClip.Store16((high << LowBits) + low + rounding, dst + (g * PixelsPerGroup * channels));
            }
        }
    }
}
