using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Processing.Images;

/// <summary>
/// What <see cref="TvltImageProcessor"/> returns: per-video pixel values [frames, 3, H, W] (stacked into
/// [batch, frames, 3, H, W] when every video has the same shape), and <c>pixel_mask</c> int64 [batch, patches]
/// built for the longest video. With <see cref="IsMixed"/> the keys are <c>pixel_values_mixed</c> / <c>pixel_mask_mixed</c>.
/// </summary>
public sealed class TvltImageProcessorOutput
{
    internal TvltImageProcessorOutput(IReadOnlyList<PixelValues> videos, long[] pixelMask, long[] pixelMaskShape, bool isMixed)
    {
        Videos = videos;
        PixelMask = pixelMask;
        PixelMaskShape = pixelMaskShape;
        IsMixed = isMixed;
        var first = videos[0].Shape;
        Stacked = videos.All(v => v.Shape.SequenceEqual(first)) ? PixelValues.Stack(videos.Select(v => v.Data).ToList(), first, "videos") : null;
    }

    /// <summary>Each video's pixel values, [frames, 3, H, W].</summary>
    public IReadOnlyList<PixelValues> Videos { get; }

    /// <summary>All videos as one [batch, frames, 3, H, W] array, or null when their frame counts or sizes differ (no padding is done).</summary>
    public PixelValues? Stacked { get; }

    /// <summary>1 for patches of real frames, 0 for the frames a shorter video lacks; C order.</summary>
    public long[] PixelMask { get; }

    /// <summary>[batch, max frames · patches per frame].</summary>
    public long[] PixelMaskShape { get; }

    /// <summary>Whether these are the "mixed" (matching-task) inputs.</summary>
    public bool IsMixed { get; }

    /// <summary>Name of the values key: <c>pixel_values</c> or <c>pixel_values_mixed</c>.</summary>
    public string ValuesKey => IsMixed ? "pixel_values_mixed" : "pixel_values";

    /// <summary>Name of the mask key: <c>pixel_mask</c> or <c>pixel_mask_mixed</c>.</summary>
    public string MaskKey => IsMixed ? "pixel_mask_mixed" : "pixel_mask";

    /// <summary>
    /// New CPU tensors under Transformers' names: the stacked values (or, for a ragged batch, <c>pixel_values.{i}</c>
    /// per video, as the fixtures store Python's per-video lists) and the int64 mask.
    /// </summary>
    public BatchFeature ToTensors()
    {
        TorchRuntime.EnsureInitialized();
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        if (Stacked is not null)
        {
            result[ValuesKey] = Stacked.ToTensor();
        }
        else
        {
            for (int i = 0; i < Videos.Count; i++)
            {
                result[$"{ValuesKey}.{i}"] = Videos[i].ToTensor();
            }
        }
        result[MaskKey] = torch.tensor(PixelMask, PixelMaskShape, torch.ScalarType.Int64);
        return new BatchFeature(result);
    }

    /// <summary>The stacked values as a tensor; a clear error for ragged batches (Transformers cannot build that tensor either).</summary>
    /// <exception cref="InvalidOperationException">The videos have different frame counts or sizes.</exception>
    public torch.Tensor StackedTensor() => Stacked?.ToTensor() ?? throw new InvalidOperationException(
        "The videos have different frame counts or sizes, so pixel values cannot form one tensor (TvltImageProcessor does not pad frames); " +
        "process them one at a time or give every video the same number of frames.");
}
