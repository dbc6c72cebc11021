namespace SharpVL.Processing.Images;

/// <summary>
/// The per-image chain shared by VideoMAE/X-CLIP and CLIP/AltCLIP processors: uint8 resize (Pillow-exact) →
/// uint8 centre crop → rescale → normalize → channels-first float32, with numpy's dtypes at each step.
/// </summary>
internal static class ImagePipeline
{
    /// <summary>Runs the chain on one RGB image; returns CHW float32 values and the output height/width.</summary>
    /// <param name="image">A 3-channel image.</param>
    /// <param name="options">Effective options.</param>
    /// <param name="allowExactSize">Whether a {height, width} resize size is allowed (VideoMAE) or only shortest_edge (CLIP).</param>
    /// <param name="processorName">For error messages.</param>
    internal static (float[] Chw, int Height, int Width) Process(
        RgbImage image, ImageProcessingOptions options, bool allowExactSize, string processorName)
    {
        if (image.Channels != 3)
        {
            throw new ArgumentException(
                $"{processorName} needs 3-channel RGB images, got {image.Channels} channel(s); " +
                "convert with ImageTransforms.ConvertToRgb first (Transformers rejects such arrays too).");
        }
        if (options.DoResize)
        {
            var size = options.Size;
            int outH, outW;
            if (size.ShortestEdge is int shortest)
            {
                (outH, outW) = ImageTransforms.ShortestEdgeOutputSize(image.Height, image.Width, shortest);
            }
            else if (allowExactSize)
            {
                (outH, outW) = (size.Height!.Value, size.Width!.Value);
            }
            else
            {
                throw new ArgumentException($"{processorName}: 'size' must contain 'shortest_edge', got {size}.");
            }
            image = PilResampler.Resize(image, outW, outH, options.Resample);
        }
        if (options.DoCenterCrop)
        {
            var crop = options.CropSize;
            if (crop.Height is not int ch || crop.Width is not int cw)
            {
                throw new ArgumentException($"{processorName}: 'crop_size' must have 'height' and 'width', got {crop}.");
            }
            image = ImageTransforms.CenterCrop(image, ch, cw);
        }
        return (ToNormalizedChw(image, options), image.Height, image.Width);
    }

    /// <summary>
    /// Rescale and normalize as numpy does: <c>uint8 * factor</c> is float64 (a Python float scalar promotes the
    /// array) and is then cast to float32; <c>(x - mean) / std</c> runs in float32 with mean and std cast to
    /// float32 first. Without rescaling the uint8 values enter normalisation as float32 (Transformers would keep
    /// uint8 and cast mean/std to uint8, which nobody relies on).
    /// </summary>
    private static float[] ToNormalizedChw(RgbImage image, ImageProcessingOptions options)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var mean = new float[3];
        var std = new float[3];
        if (options.DoNormalize)
        {
            for (int c = 0; c < 3; c++)
            {
                mean[c] = (float)PerChannel(options.ImageMean, c, "image_mean");
                std[c] = (float)PerChannel(options.ImageStd, c, "image_std");
            }
        }
        double factor = options.RescaleFactor;
        // Each output value depends only on the byte and its channel, so the exact float expression is evaluated
        // once per (channel, byte) into a table instead of once per pixel (a 224x224 frame has 150k values).
        var table = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            for (int b = 0; b < 256; b++)
            {
                float v = options.DoRescale ? (float)(b * factor) : b;
                if (options.DoNormalize)
                {
                    v = (v - mean[c]) / std[c];
                }
                table[(c * 256) + b] = v;
            }
        }
        var output = new float[3 * plane];
        var px = image.Pixels;
        for (int i = 0; i < plane; i++)
        {
            output[i] = table[px[i * 3]];
            output[plane + i] = table[256 + px[(i * 3) + 1]];
            output[(2 * plane) + i] = table[512 + px[(i * 3) + 2]];
        }
        return output;
    }

    private static double PerChannel(IReadOnlyList<double> values, int channel, string name) => values.Count switch
    {
        1 => values[0],
        3 => values[channel],
        _ => throw new ArgumentException($"{name} must have 3 elements (one per channel) or 1, got {values.Count}."),
    };
}
