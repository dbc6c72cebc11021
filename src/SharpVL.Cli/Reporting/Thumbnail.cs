using SharpVL.Processing.Images;
using SkiaSharp;

namespace SharpVL.Cli.Reporting;

/// <summary>Small JPEG thumbnails of frames as <c>data:</c> URIs, so the HTML report is one self-contained file.</summary>
internal static class Thumbnail
{
    /// <summary>Thumbnail height in pixels (width follows the aspect ratio).</summary>
    public const int Height = 112;

    /// <summary>A base64 JPEG data URI of <paramref name="image"/> scaled to <see cref="Height"/> pixels high.</summary>
    public static string DataUri(RgbImage image, int quality = 80)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = ToBitmap(image);
        var height = Math.Min(Height, image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * (double)height / image.Height));
        using var scaled = bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), SKFilterQuality.Medium)
            ?? throw new InvalidOperationException("the frame could not be scaled for the report");
        using var encoded = scaled.Encode(SKEncodedImageFormat.Jpeg, quality);
        return "data:image/jpeg;base64," + Convert.ToBase64String(encoded.AsSpan());
    }

    private static SKBitmap ToBitmap(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        var source = image.Pixels;
        for (int p = 0, s = 0; p < rgba.Length; p += 4, s += image.Channels)
        {
            if (image.Channels == 1)
            {
                rgba[p] = rgba[p + 1] = rgba[p + 2] = source[s];
            }
            else
            {
                rgba[p] = source[s];
                rgba[p + 1] = source[s + 1];
                rgba[p + 2] = source[s + 2];
            }
            rgba[p + 3] = 255;
        }
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
