using SharpVL.Processing.Images;
using SkiaSharp;

namespace SharpVL.Search;

/// <summary>Small JPEG previews of segments for result pages.</summary>
public static class Thumbnails
{
    /// <summary>Encodes <paramref name="frame"/> as a JPEG no wider or taller than <paramref name="maxSide"/> pixels (aspect kept, never enlarged).</summary>
    public static byte[] EncodeJpeg(RgbImage frame, int maxSide = 320, int quality = 80)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        var rgba = ToRgba(frame);
        var info = new SKImageInfo(frame.Width, frame.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var source = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, source.GetPixels(), rgba.Length);
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(frame.Width, frame.Height));
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(frame.Width * scale)), Math.Max(1, (int)Math.Round(frame.Height * scale)),
            SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var scaled = scale < 1 ? source.Resize(size, SKFilterQuality.Medium) : source.Copy();
        using var image = SKImage.FromBitmap(scaled);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static byte[] ToRgba(RgbImage frame)
    {
        var pixels = frame.Pixels;
        var rgba = new byte[frame.Width * frame.Height * 4];
        for (int p = 0, q = 0; q < rgba.Length; p += frame.Channels, q += 4)
        {
            byte r = pixels[p];
            rgba[q] = r;
            rgba[q + 1] = frame.Channels >= 3 ? pixels[p + 1] : r;
            rgba[q + 2] = frame.Channels >= 3 ? pixels[p + 2] : r;
            rgba[q + 3] = 255;
        }
        return rgba;
    }
}
