namespace SharpVL.Processing.Video;

/// <summary>Ways of choosing which frames of a video a model sees.</summary>
public static class FrameSampling
{
    /// <summary>
    /// The centre frame of each of <paramref name="numFrames"/> equal segments:
    /// index_i = floor((i + 0.5) * frameCount / numFrames), computed exactly in integers.
    /// </summary>
    public static int[] Uniform(int frameCount, int numFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFrames);
        var indices = new int[numFrames];
        for (int i = 0; i < numFrames; i++)
        {
            indices[i] = (int)((2L * i + 1) * frameCount / (2L * numFrames));
        }
        return indices;
    }

    /// <summary>Checks caller-chosen indices against the frame count and returns a copy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below <paramref name="frameCount"/>.</exception>
    public static int[] Explicit(int frameCount, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        for (int i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= frameCount)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i],
                    $"Frame index {indices[i]} (position {i}) is outside the video's {frameCount} frames (valid: 0..{frameCount - 1}).");
            }
        }
        return indices.ToArray();
    }

    /// <summary>
    /// The <c>sample_frame_indices</c> helper of Transformers' VideoMAE / X-CLIP documentation, draw for draw:
    /// converted_len = clip_len * frame_sample_rate; end = randint(converted_len, seg_len); start = end - converted_len;
    /// indices = clip(linspace(start, end, clip_len), start, end - 1) truncated to int64.
    /// </summary>
    /// <param name="clipLen">Frames to return.</param>
    /// <param name="frameSampleRate">Stride between sampled frames.</param>
    /// <param name="segLen">Frames in the video.</param>
    /// <param name="random">The generator (use one seeded like <c>np.random.seed(s)</c> to match Python).</param>
    /// <exception cref="ArgumentException">segLen &lt;= clipLen * frameSampleRate (numpy's randint raises "low &gt;= high").</exception>
    public static long[] SampleFrameIndices(int clipLen, int frameSampleRate, int segLen, NumpyRandomState random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipLen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSampleRate);
        long convertedLen = (long)clipLen * frameSampleRate;
        if (segLen <= convertedLen)
        {
            throw new ArgumentException(
                $"A video of {segLen} frames is too short to sample {clipLen} frames every {frameSampleRate} " +
                $"(needs more than {convertedLen}).", nameof(segLen));
        }
        long end = random.RandInt(convertedLen, segLen);
        long start = end - convertedLen;
        var positions = Linspace(start, end, clipLen);
        var indices = new long[clipLen];
        for (int i = 0; i < clipLen; i++)
        {
            double clipped = Math.Min(Math.Max(positions[i], start), end - 1);
            indices[i] = (long)clipped;
        }
        return indices;
    }

    /// <summary>
    /// <see cref="SampleFrameIndices(int, int, int, NumpyRandomState)"/> with a fresh generator seeded like
    /// <c>np.random.seed(seed)</c>, or an OS-random seed when <paramref name="seed"/> is null.
    /// </summary>
    public static long[] SampleFrameIndices(int clipLen, int frameSampleRate, int segLen, int? seed)
    {
        if (seed is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "numpy seeds must be between 0 and 2**32 - 1.");
        }
        uint s = seed is int value ? (uint)value : (uint)Random.Shared.NextInt64(0, 1L << 32);
        return SampleFrameIndices(clipLen, frameSampleRate, segLen, new NumpyRandomState(s));
    }

    /// <summary>numpy 1.24's <c>linspace(start, stop, num)</c> (endpoint=True): i * step + start, last = stop.</summary>
    private static double[] Linspace(long start, long stop, int num)
    {
        var y = new double[num];
        int div = num - 1;
        double delta = stop - start;
        double step = div > 0 ? delta / div : double.NaN;
        for (int i = 0; i < num; i++)
        {
            double v = i;
            if (div <= 0)
            {
                v *= delta;
            }
            else if (step == 0)
            {
                v = v / div * delta; // numpy's denormal-step branch
            }
            else
            {
                v *= step;
            }
            y[i] = v + start;
        }
        if (num > 1)
        {
            y[^1] = stop;
        }
        return y;
    }
}
