using SharpVL.Models.AltCLIP;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>
/// AltCLIP keyframe embeddings: <c>get_image_features</c> of each segment's middle frame, and the multilingual
/// <c>get_text_features</c> of queries (so a Chinese or French query finds footage described in English), L2-normalised.
/// </summary>
/// <remarks>Wraps a loaded model; with <paramref name="ownsModel"/>, disposing the embedder disposes the model.</remarks>
public sealed class AltCLIPKeyframeEmbedder(AltCLIPModel model, AltCLIPProcessor processor, IndexModel identity, bool ownsModel = true)
    : SegmentEmbedder(model, processor?.Tokenizer!, identity, ownsModel)
{
    /// <summary>The AltCLIP model.</summary>
    public AltCLIPModel AltClip { get; } = model;

    /// <summary>Its processor.</summary>
    public AltCLIPProcessor Processor { get; } = processor ?? throw new ArgumentNullException(nameof(processor));

    /// <inheritdoc />
    public override int FramesPerSegment => 1;

    /// <inheritdoc />
    public override PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return Processor.ImageProcessor.Preprocess([.. segments.Select(s => s.Count == 1 ? s[0]
            : throw new ArgumentException($"AltCLIP keyframe segments have one frame each, got {s.Count}."))]);
    }

    /// <inheritdoc />
    protected override Tensor SegmentFeatures(Tensor pixels) => AltClip.GetImageFeatures(pixels);

    /// <inheritdoc />
    protected override Tensor TextFeatures(Tensor inputIds, Tensor attentionMask) => AltClip.GetTextFeatures(inputIds, attentionMask);
}
