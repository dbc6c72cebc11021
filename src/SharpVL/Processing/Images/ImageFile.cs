using SkiaSharp;

namespace SharpVL.Processing.Images;

/// <summary>
/// Reads JPEG, PNG, BMP, GIF (first frame) and WebP files into <see cref="RgbImage"/>s and writes PNGs, through
/// SkiaSharp. Skia decodes JPEG with libjpeg-turbo's default (islow DCT, fancy upsampling), so the pixels are
/// byte-identical to PIL's, unlike pure managed decoders; no colour management is applied, as in PIL.
/// </summary>
public static class ImageFile
{
    /// <summary>
    /// Decodes an image file keeping its channel layout the way PIL modes would: grey images as 1 channel (L),
    /// images with an alpha channel as 4 (RGBA), everything else as 3 (RGB). EXIF orientation is applied
    /// (Transformers' <c>load_image</c> calls <c>ImageOps.exif_transpose</c>) unless
    /// <paramref name="applyExifOrientation"/> is false.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image.</exception>
    public static RgbImage Load(string path, bool applyExifOrientation = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        }
        return Decode(File.ReadAllBytes(path), path, applyExifOrientation);
    }

    /// <summary>
    /// Transformers 4.27.1's <c>load_image</c>: decode, apply EXIF orientation, then PIL <c>convert("RGB")</c>
    /// (grey replicated, alpha dropped).
    /// </summary>
    public static RgbImage LoadRgb(string path) => ImageTransforms.ConvertToRgb(Load(path));

    /// <summary>Decodes an encoded image held in memory (see <see cref="Load"/>).</summary>
    /// <param name="encoded">The file bytes.</param>
    /// <param name="name">A name for error messages.</param>
    /// <param name="applyExifOrientation">Whether to apply EXIF orientation.</param>
    public static RgbImage Decode(byte[] encoded, string name = "image", bool applyExifOrientation = true)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"'{name}' is not a decodable image (JPEG, PNG, BMP, GIF or WebP expected).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidDataException($"'{name}' has no pixels.");
        }
        bool gray = info.ColorType == SKColorType.Gray8;
        bool alpha = !gray && info.AlphaType != SKAlphaType.Opaque;
        // A null colour space keeps the stored values (PIL does no ICC conversion either).
        var target = new SKImageInfo(info.Width, info.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul, null);
        var buffer = new byte[target.BytesSize];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = buffer)
            {
                result = codec.GetPixels(target, (IntPtr)p);
            }
        }
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new InvalidDataException($"'{name}' could not be decoded: {result}.");
        }
        int channels = gray ? 1 : alpha ? 4 : 3;
        var image = new RgbImage(info.Width, info.Height, channels == 4 || channels == 1 ? buffer : DropAlpha(buffer), channels);
        return applyExifOrientation ? ExifOrientation.Apply(image, (int)codec.EncodedOrigin) : image;
    }

    /// <summary>
    /// Writes <paramref name="image"/> as a lossless PNG (grey, RGB or RGBA). The file is written to a temporary
    /// name first and then renamed, so an existing file is never left half-written.
    /// </summary>
    public static void SavePng(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var (colorType, alphaType, pixels) = image.Channels switch
        {
            1 => (SKColorType.Gray8, SKAlphaType.Opaque, image.Pixels),
            3 => (SKColorType.Rgba8888, SKAlphaType.Opaque, AddOpaqueAlpha(image.Pixels)),
            _ => (SKColorType.Rgba8888, SKAlphaType.Unpremul, image.Pixels),
        };
        var info = new SKImageInfo(image.Width, image.Height, colorType, alphaType, null);
        using var bitmap = new SKBitmap();
        SKData encoded;
        unsafe
        {
            fixed (byte* p = pixels)
            {
                if (!bitmap.InstallPixels(info, (IntPtr)p, info.RowBytes))
                {
                    throw new InvalidOperationException("Skia rejected the pixel buffer.");
                }
                using var skImage = SKImage.FromBitmap(bitmap);
                encoded = skImage.Encode(SKEncodedImageFormat.Png, 100)
                    ?? throw new InvalidOperationException("Skia could not encode the image as PNG.");
            }
        }
        using (encoded)
        {
            AtomicFile.Write(path, encoded.SaveTo);
        }
    }

    private static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }

    private static byte[] AddOpaqueAlpha(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        return rgba;
    }
}
