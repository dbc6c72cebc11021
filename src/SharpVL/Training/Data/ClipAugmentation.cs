using SharpVL.Processing.Images;

namespace SharpVL.Training.Data;

/// <summary>
/// Training augmentation of a clip, the same draw for every frame so motion stays intact: the short side is scaled to
/// a random multiple of the processor's size, a random window of the crop size is cut out, and the clip is flipped
/// horizontally with probability one half. All draws come from the <see cref="Random"/> given, so a seed fixes them.
/// </summary>
public sealed record ClipAugmentation
{
    /// <summary>Smallest short-side scale, relative to the processor's short side (1 keeps its size).</summary>
    public double MinScale { get; init; } = 1.0;

    /// <summary>Largest short-side scale.</summary>
    public double MaxScale { get; init; } = 1.25;

    /// <summary>Whether to flip half of the clips horizontally.</summary>
    public bool HorizontalFlip { get; init; } = true;

    /// <summary>The default augmentation: scale 1–1.25, random crop, flip.</summary>
    public static ClipAugmentation Default { get; } = new();

    /// <summary>
    /// Scales <paramref name="frames"/> so the short side is <paramref name="shortSide"/> × U(min, max) (never below the
    /// crop), cuts a random <paramref name="cropHeight"/> × <paramref name="cropWidth"/> window and maybe flips it.
    /// </summary>
    public IReadOnlyList<RgbImage> Apply(
        IReadOnlyList<RgbImage> frames, int shortSide, int cropHeight, int cropWidth, PilResample resample, Random random)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(random);
        if (frames.Count == 0)
        {
            return frames;
        }
        var scale = MinScale + ((MaxScale - MinScale) * random.NextDouble());
        var target = Math.Max(Math.Max(cropHeight, cropWidth), (int)Math.Round(shortSide * scale));
        var (height, width) = ImageTransforms.ShortestEdgeOutputSize(frames[0].Height, frames[0].Width, target);
        height = Math.Max(height, cropHeight);
        width = Math.Max(width, cropWidth);
        var top = random.Next(height - cropHeight + 1);
        var left = random.Next(width - cropWidth + 1);
        var flip = HorizontalFlip && random.NextDouble() < 0.5;
        return [.. frames.Select(f => Crop(PilResampler.Resize(ImageTransforms.ConvertToRgb(f), width, height, resample), top, left, cropHeight, cropWidth, flip))];
    }

    private static RgbImage Crop(RgbImage image, int top, int left, int height, int width, bool flip)
    {
        var output = new byte[height * width * 3];
        for (var y = 0; y < height; y++)
        {
            var sourceRow = ((top + y) * image.Width) + left;
            for (var x = 0; x < width; x++)
            {
                var source = (sourceRow + (flip ? width - 1 - x : x)) * 3;
                Array.Copy(image.Pixels, source, output, ((y * width) + x) * 3, 3);
            }
        }
        return new RgbImage(width, height, output, 3);
    }
}
