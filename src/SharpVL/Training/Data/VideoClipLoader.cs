using SharpVL.Processing;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;

namespace SharpVL.Training.Data;

/// <summary>
/// Decodes training videos and turns them into <c>pixel_values</c> with a model's own image processor: evaluation
/// clips exactly as the inference pipelines prepare them (uniform frames, resize, centre crop), training clips with
/// random frames within equal segments and <see cref="ClipAugmentation"/> in place of resize and crop. Creates no
/// tensors, so it can run on a decode-ahead thread.
/// </summary>
public sealed class VideoClipLoader
{
    private readonly Func<IReadOnlyList<IReadOnlyList<RgbImage>>, ImageProcessingOptions, PixelValues> _process;

    /// <summary>Creates a loader.</summary>
    /// <param name="reader">The video decoder.</param>
    /// <param name="numFrames">Frames per clip (1: one key frame, for image models).</param>
    /// <param name="options">The image processor's options.</param>
    /// <param name="process">The processor: clips and options to pixel values.</param>
    public VideoClipLoader(
        VideoReader reader, int numFrames, ImageProcessingOptions options,
        Func<IReadOnlyList<IReadOnlyList<RgbImage>>, ImageProcessingOptions, PixelValues> process)
    {
        Reader = reader ?? throw new ArgumentNullException(nameof(reader));
        ArgumentOutOfRangeException.ThrowIfLessThan(numFrames, 1);
        NumFrames = numFrames;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _process = process ?? throw new ArgumentNullException(nameof(process));
    }

    /// <summary>The decoder.</summary>
    public VideoReader Reader { get; }

    /// <summary>Frames per clip.</summary>
    public int NumFrames { get; }

    /// <summary>The processor options used for evaluation clips.</summary>
    public ImageProcessingOptions Options { get; }

    /// <summary>The training augmentation (null: training clips are prepared like evaluation clips).</summary>
    public ClipAugmentation? Augmentation { get; init; } = ClipAugmentation.Default;

    /// <summary>
    /// Decodes and processes the videos of <paramref name="examples"/>; with <paramref name="random"/> (one per example)
    /// the frames and augmentation are drawn from it, without it the clip is the evaluation clip.
    /// </summary>
    public PixelValues Load(IReadOnlyList<TrainingExample> examples, IReadOnlyList<Random>? random, CancellationToken cancellationToken = default)
        => _process(DecodeClips(examples, random, cancellationToken), ProcessingOptions(random is not null));

    /// <summary>The frames of each example: the evaluation clip, or with <paramref name="random"/> the augmented training clip.</summary>
    public IReadOnlyList<IReadOnlyList<RgbImage>> DecodeClips(
        IReadOnlyList<TrainingExample> examples, IReadOnlyList<Random>? random, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var clips = new List<IReadOnlyList<RgbImage>>(examples.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clips.Add(Decode(examples[i].Path, random?[i], cancellationToken));
        }
        return clips;
    }

    /// <summary>
    /// The processor options for clips from <see cref="DecodeClips"/>: augmented training clips already have the crop
    /// size, so only rescaling and normalisation remain.
    /// </summary>
    public ImageProcessingOptions ProcessingOptions(bool training)
        => training && Augmentation is not null ? Options with { DoResize = false, DoCenterCrop = false } : Options;

    /// <summary>Checks that <paramref name="path"/> can be decoded (probes it and decodes its first selected frame).</summary>
    /// <exception cref="SharpVLException">The file cannot be read as a video.</exception>
    public void Check(string path, CancellationToken cancellationToken = default)
    {
        var info = Reader.Probe(path, cancellationToken);
        if (info.FrameCount < 1)
        {
            throw new MediaException(path, "the video has no frames");
        }
    }

    private IReadOnlyList<RgbImage> Decode(string path, Random? random, CancellationToken cancellationToken)
    {
        var info = Reader.Probe(path, cancellationToken);
        var indices = random is null ? FrameSampling.Uniform(info.FrameCount, NumFrames) : RandomSegmentFrames(info.FrameCount, NumFrames, random);
        var frames = Reader.ReadFrames(path, indices, cancellationToken);
        if (random is null || Augmentation is null)
        {
            return frames;
        }
        var crop = Options.CropSize;
        var cropHeight = crop.Height ?? crop.ShortestEdge ?? Options.Size.ShortestEdge ?? 224;
        var cropWidth = crop.Width ?? cropHeight;
        var shortSide = Options.Size.ShortestEdge ?? Math.Min(Options.Size.Height ?? cropHeight, Options.Size.Width ?? cropWidth);
        return Augmentation.Apply(frames, shortSide, cropHeight, cropWidth, Options.Resample, random);
    }

    /// <summary>One random frame from each of <paramref name="numFrames"/> equal segments (TSN-style temporal jitter).</summary>
    internal static int[] RandomSegmentFrames(int frameCount, int numFrames, Random random)
    {
        var indices = new int[numFrames];
        var segment = (double)frameCount / numFrames;
        for (var i = 0; i < numFrames; i++)
        {
            var start = (int)Math.Floor(i * segment);
            var end = Math.Max(start + 1, (int)Math.Floor((i + 1) * segment));
            indices[i] = Math.Min(frameCount - 1, start + random.Next(end - start));
        }
        return indices;
    }
}
