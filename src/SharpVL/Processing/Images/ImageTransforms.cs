namespace SharpVL.Processing.Images;

/// <summary>
/// The uint8 image steps of Transformers 4.27.1's <c>image_transforms.py</c> and PIL's <c>convert("RGB")</c>,
/// reproduced with the same integer arithmetic.
/// </summary>
public static class ImageTransforms
{
    /// <summary>
    /// PIL <c>convert("RGB")</c>: L replicates the grey value into R, G and B; RGBA drops alpha
    /// (no compositing over a background); RGB is returned as is.
    /// </summary>
    public static RgbImage ConvertToRgb(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels == 3)
        {
            return image;
        }
        int n = image.Width * image.Height;
        var rgb = new byte[n * 3];
        var src = image.Pixels;
        for (int i = 0; i < n; i++)
        {
            if (image.Channels == 1)
            {
                rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = src[i];
            }
            else
            {
                rgb[i * 3] = src[i * 4];
                rgb[i * 3 + 1] = src[i * 4 + 1];
                rgb[i * 3 + 2] = src[i * 4 + 2];
            }
        }
        return new RgbImage(image.Width, image.Height, rgb, 3);
    }

    /// <summary>
    /// The (height, width) <c>get_resize_output_image_size(image, shortestEdge, default_to_square=False)</c> gives:
    /// the short edge becomes <paramref name="shortestEdge"/> and the long edge <c>int(shortestEdge * long / short)</c>
    /// (truncated, computed in double precision).
    /// </summary>
    public static (int Height, int Width) ShortestEdgeOutputSize(int height, int width, int shortestEdge)
    {
        (int shortSide, int longSide) = width <= height ? (width, height) : (height, width);
        int newLong = (int)(shortestEdge * (double)longSide / shortSide);
        return width <= height ? (newLong, shortestEdge) : (shortestEdge, newLong);
    }

    /// <summary>
    /// Transformers' <c>center_crop</c>: top = (H - h) // 2, left = (W - w) // 2 (floor division); when the crop
    /// is larger than the image the image is first zero-padded, centred with offsets (newH - H) // 2, and the
    /// window is then clamped to the padded canvas. Because of the two floor divisions an odd shortfall yields an
    /// output one pixel smaller than requested, exactly as in Python.
    /// </summary>
    public static RgbImage CenterCrop(RgbImage image, int cropHeight, int cropWidth)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (cropHeight <= 0 || cropWidth <= 0)
        {
            throw new ArgumentException($"Crop size must be positive, got {cropHeight}x{cropWidth}.");
        }
        int h = image.Height, w = image.Width, c = image.Channels;
        int top = FloorDiv(h - cropHeight, 2);
        int left = FloorDiv(w - cropWidth, 2);
        int bottom = top + cropHeight;
        int right = left + cropWidth;
        int canvasH = h, canvasW = w, padTop = 0, padLeft = 0;
        if (!(top >= 0 && bottom <= h && left >= 0 && right <= w))
        {
            canvasH = Math.Max(cropHeight, h);
            canvasW = Math.Max(cropWidth, w);
            padTop = FloorDiv(canvasH - h, 2);
            padLeft = FloorDiv(canvasW - w, 2);
            top += padTop;
            bottom += padTop;
            left += padLeft;
            right += padLeft;
        }
        int y0 = Math.Max(0, top), y1 = Math.Min(canvasH, bottom);
        int x0 = Math.Max(0, left), x1 = Math.Min(canvasW, right);
        int outH = y1 - y0, outW = x1 - x0;
        var output = new byte[outH * outW * c];
        for (int y = 0; y < outH; y++)
        {
            int srcY = y0 + y - padTop;
            if (srcY < 0 || srcY >= h)
            {
                continue; // zero padding
            }
            for (int x = 0; x < outW; x++)
            {
                int srcX = x0 + x - padLeft;
                if (srcX < 0 || srcX >= w)
                {
                    continue;
                }
                Array.Copy(image.Pixels, (srcY * w + srcX) * c, output, (y * outW + x) * c, c);
            }
        }
        return new RgbImage(outW, outH, output, c);
    }

    /// <summary>Python's <c>//</c> for ints (rounds toward negative infinity).</summary>
    internal static int FloorDiv(int a, int b)
    {
        int q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }
}
