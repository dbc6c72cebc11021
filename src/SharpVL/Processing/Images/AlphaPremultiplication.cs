namespace SharpVL.Processing.Images;

/// <summary>Pillow's RGBA &lt;-&gt; RGBa (premultiplied alpha) conversions, with its integer rounding.</summary>
internal static class AlphaPremultiplication
{
    /// <summary>Pillow's <c>rgbA2rgba</c>: colour * alpha / 255 rounded with the MULDIV255 trick.</summary>
    internal static RgbImage Premultiply(RgbImage image)
    {
        var p = (byte[])image.Pixels.Clone();
        for (int i = 0; i < p.Length; i += 4)
        {
            int alpha = p[i + 3];
            for (int c = 0; c < 3; c++)
            {
                int tmp = p[i + c] * alpha + 128;
                p[i + c] = (byte)(((tmp >> 8) + tmp) >> 8);
            }
        }
        return new RgbImage(image.Width, image.Height, p, 4);
    }

    /// <summary>Pillow's <c>rgba2rgbA</c>: colour * 255 / alpha (integer division, saturated); alpha 0 and 255 copy.</summary>
    internal static RgbImage Unpremultiply(RgbImage image)
    {
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i += 4)
        {
            int alpha = p[i + 3];
            if (alpha is 0 or 255)
            {
                continue;
            }
            for (int c = 0; c < 3; c++)
            {
                p[i + c] = (byte)Math.Min(255, 255 * p[i + c] / alpha);
            }
        }
        return image;
    }
}
