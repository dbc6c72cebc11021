using SharpVL.Models.AltCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>
/// AltCLIP keyframe embeddings: <c>get_image_features</c> of each segment's middle frame, and the multilingual
/// <c>get_text_features</c> of queries (so a Chinese or French query finds footage described in English), L2-normalised.
/// </summary>
public sealed class AltClipKeyframeEmbedder : ISegmentEmbedder
{
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model; with <paramref name="ownsModel"/>, disposing the embedder disposes the model.</summary>
    public AltClipKeyframeEmbedder(AltCLIPModel model, AltCLIPProcessor processor, IndexModel identity, bool ownsModel = true)
    {
        AltClip = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Model = identity ?? throw new ArgumentNullException(nameof(identity));
        _ownsModel = ownsModel;
    }

    /// <summary>The AltCLIP model.</summary>
    public AltCLIPModel AltClip { get; }

    /// <summary>Its processor.</summary>
    public AltCLIPProcessor Processor { get; }

    /// <inheritdoc />
    public IndexModel Model { get; }

    /// <inheritdoc />
    public int FramesPerSegment => 1;

    /// <inheritdoc />
    public PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return Processor.ImageProcessor.Preprocess([.. segments.Select(s => s.Count == 1 ? s[0]
            : throw new ArgumentException($"AltCLIP keyframe segments have one frame each, got {s.Count}."))]);
    }

    /// <inheritdoc />
    public float[][] EmbedSegments(PixelValues pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        return EmbeddingMath.NormalizedRows(AltClip.GetImageFeatures(pixels.ToTensor().to(AltClip.Device)));
    }

    /// <inheritdoc />
    public float[][] EmbedTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encoding = Processor.Tokenizer.Encode(texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        return EmbeddingMath.NormalizedRows(AltClip.GetTextFeatures(ids.to(AltClip.Device), mask.to(AltClip.Device)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            AltClip.Dispose();
        }
    }
}
