using SharpVL.Processing.Video;

namespace SharpVL.Pipelines;

/// <summary>Which frames of a video a pipeline feeds the model.</summary>
public abstract record FrameSelection
{
    /// <summary>Equal segments over the whole clip, one frame from the middle of each (the default).</summary>
    public static FrameSelection Uniform { get; } = new UniformFrames();

    /// <summary>Exactly these frame indices (validated against the clip length).</summary>
    public static FrameSelection Indices(IReadOnlyList<int> indices) => new ExplicitFrames(indices);

    /// <summary>Parses <c>4,16,28,40</c> (spaces allowed) into <see cref="Indices"/>: the one parser of frame lists.</summary>
    /// <exception cref="FormatException">An entry is not a whole number ≥ 0 (the message quotes it).</exception>
    public static FrameSelection Parse(string text) => Indices(ParseIndices(text));

    /// <summary>Parses a comma-separated list of frame indices, culture-invariant: digits only, spaces around entries allowed.</summary>
    /// <exception cref="FormatException">An entry is not a whole number ≥ 0 (the message quotes it).</exception>
    public static IReadOnlyList<int> ParseIndices(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var indices = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                throw new FormatException($"'{TextForMessages.Printable(part)}' is not a frame index (a whole number ≥ 0).");
            }
            indices.Add(index);
        }
        return indices;
    }

    /// <summary>
    /// The Transformers docs' <c>sample_frame_indices(clip_len, frame_sample_rate, seg_len)</c>: a random window of
    /// <c>clip_len · frame_sample_rate</c> frames, evenly sampled; with a seed, the same frames numpy picks after
    /// <c>np.random.seed(seed)</c>.
    /// </summary>
    public static FrameSelection Sampled(int frameSampleRate, int? seed) => new SampledFrames(frameSampleRate, seed);

    /// <summary>The indices to decode for a clip of <paramref name="frameCount"/> frames when the model takes <paramref name="numFrames"/>.</summary>
    public abstract IReadOnlyList<int> Select(int frameCount, int numFrames);

    /// <summary>
    /// Whether the frames follow from the clip's length, so that they can be chosen again when a damaged stream turns out
    /// shorter than its container announced (false for explicit indices: those frames are what the caller asked for).
    /// </summary>
    public virtual bool FollowsLength => true;

    private sealed record UniformFrames : FrameSelection
    {
        public override IReadOnlyList<int> Select(int frameCount, int numFrames) => FrameSampling.Uniform(frameCount, numFrames);
    }

    private sealed record ExplicitFrames(IReadOnlyList<int> Chosen) : FrameSelection
    {
        public override bool FollowsLength => false;

        public override IReadOnlyList<int> Select(int frameCount, int numFrames)
        {
            if (Chosen.Count != numFrames)
            {
                throw new ArgumentException($"The model takes {numFrames} frames per video, but {Chosen.Count} frame indices were given.");
            }
            return FrameSampling.Explicit(frameCount, Chosen);
        }
    }

    private sealed record SampledFrames(int FrameSampleRate, int? Seed) : FrameSelection
    {
        public override IReadOnlyList<int> Select(int frameCount, int numFrames)
            => FrameSampling.SampleFrameIndices(numFrames, FrameSampleRate, frameCount, Seed).Select(i => (int)i).ToList();
    }
}
