namespace SharpVL.Processing.Images;

/// <summary>PIL's <c>ImageOps.exif_transpose</c>: undoes EXIF orientations 2-8 with exact pixel moves.</summary>
public static class ExifOrientation
{
    /// <summary>
    /// Returns <paramref name="image"/> transposed for EXIF <paramref name="orientation"/>:
    /// 2 mirror, 3 rotate 180, 4 flip vertically, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
    /// 8 rotate 90 counter-clockwise; 1 and unknown values leave it unchanged.
    /// </summary>
    public static RgbImage Apply(RgbImage image, int orientation)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (orientation is < 2 or > 8)
        {
            return image;
        }
        int w = image.Width, h = image.Height, c = image.Channels;
        bool swap = orientation >= 5;
        int outW = swap ? h : w, outH = swap ? w : h;
        var output = new byte[image.Pixels.Length];
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                // (sx, sy): the source pixel that lands at (x, y).
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x),
                };
                Array.Copy(image.Pixels, (sy * w + sx) * c, output, (y * outW + x) * c, c);
            }
        }
        return new RgbImage(outW, outH, output, c);
    }
}
