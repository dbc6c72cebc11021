using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>
/// X-CLIP segment embeddings: <c>get_video_features</c> of each segment's <c>num_frames</c> frames, and
/// <c>get_text_features</c> of queries, both L2-normalised as X-CLIP does before its cosine similarity.
/// </summary>
/// <remarks>Wraps a loaded model; with <paramref name="ownsModel"/>, disposing the embedder disposes the model.</remarks>
public sealed class XCLIPSegmentEmbedder(XCLIPModel model, XCLIPProcessor processor, IndexModel identity, bool ownsModel = true)
    : SegmentEmbedder(model, processor?.Tokenizer!, identity, ownsModel)
{
    /// <summary>The X-CLIP model.</summary>
    public XCLIPModel XClip { get; } = model;

    /// <summary>Its processor.</summary>
    public XCLIPProcessor Processor { get; } = processor ?? throw new ArgumentNullException(nameof(processor));

    /// <inheritdoc />
    public override int FramesPerSegment => XClip.Config.VisionConfig.NumFrames;

    /// <inheritdoc />
    public override PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments) => Processor.ImageProcessor.Preprocess(segments);

    /// <inheritdoc />
    protected override Tensor SegmentFeatures(Tensor pixels) => XClip.GetVideoFeatures(pixels);

    /// <inheritdoc />
    protected override Tensor TextFeatures(Tensor inputIds, Tensor attentionMask) => XClip.GetTextFeatures(inputIds, attentionMask);
}
