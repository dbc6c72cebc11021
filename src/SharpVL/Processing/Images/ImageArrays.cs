namespace SharpVL.Processing.Images;

/// <summary>
/// Splits channels-last uint8 arrays (as numpy / safetensors hold them) into <see cref="RgbImage"/>s.
/// </summary>
public static class ImageArrays
{
    /// <summary>
    /// Splits a [batch, frames, H, W, C] (C = 1, 3 or 4) array into videos, or a [frames, H, W, C] array into one video.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<RgbImage>> ToVideos(byte[] data, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 4)
        {
            return [ToImages(data, shape)];
        }
        if (shape.Count != 5)
        {
            throw new ArgumentException($"Videos must be [batch, frames, H, W, C] or [frames, H, W, C], got [{string.Join(", ", shape)}].");
        }
        CheckLength(data, shape);
        int batch = checked((int)shape[0]);
        long videoLength = data.Length / Math.Max(batch, 1);
        var videos = new List<IReadOnlyList<RgbImage>>(batch);
        for (int b = 0; b < batch; b++)
        {
            var slice = data.AsSpan((int)(b * videoLength), (int)videoLength).ToArray();
            videos.Add(ToImages(slice, shape.Skip(1).ToArray()));
        }
        return videos;
    }

    /// <summary>
    /// Splits a [batch, H, W, C] (C = 1, 3 or 4) or [batch, H, W] (grey, PIL mode L) array into images.
    /// </summary>
    public static IReadOnlyList<RgbImage> ToImages(byte[] data, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count is not (3 or 4))
        {
            throw new ArgumentException($"Images must be [batch, H, W, C] or [batch, H, W], got [{string.Join(", ", shape)}].");
        }
        CheckLength(data, shape);
        int batch = checked((int)shape[0]);
        int height = checked((int)shape[1]);
        int width = checked((int)shape[2]);
        int channels = shape.Count == 4 ? checked((int)shape[3]) : 1;
        int imageLength = height * width * channels;
        var images = new List<RgbImage>(batch);
        for (int b = 0; b < batch; b++)
        {
            images.Add(new RgbImage(width, height, data.AsSpan(b * imageLength, imageLength).ToArray(), channels));
        }
        return images;
    }

    private static void CheckLength(byte[] data, IReadOnlyList<long> shape)
    {
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (expected != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] needs {expected} bytes, got {data.Length}.");
        }
    }
}
