using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>
/// X-CLIP segment embeddings: <c>get_video_features</c> of each segment's <c>num_frames</c> frames, and
/// <c>get_text_features</c> of queries, both L2-normalised as X-CLIP does before its cosine similarity.
/// </summary>
public sealed class XClipSegmentEmbedder : ISegmentEmbedder
{
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model; with <paramref name="ownsModel"/>, disposing the embedder disposes the model.</summary>
    public XClipSegmentEmbedder(XCLIPModel model, XCLIPProcessor processor, IndexModel identity, bool ownsModel = true)
    {
        XClip = model ?? throw new ArgumentNullException(nameof(model));
        Processor = processor ?? throw new ArgumentNullException(nameof(processor));
        Model = identity ?? throw new ArgumentNullException(nameof(identity));
        _ownsModel = ownsModel;
    }

    /// <summary>The X-CLIP model.</summary>
    public XCLIPModel XClip { get; }

    /// <summary>Its processor.</summary>
    public XCLIPProcessor Processor { get; }

    /// <inheritdoc />
    public IndexModel Model { get; }

    /// <inheritdoc />
    public int FramesPerSegment => XClip.Config.VisionConfig.NumFrames;

    /// <inheritdoc />
    public PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments) => Processor.ImageProcessor.Preprocess(segments);

    /// <inheritdoc />
    public float[][] EmbedSegments(PixelValues pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        return EmbeddingMath.NormalizedRows(XClip.GetVideoFeatures(pixels.ToTensor().to(XClip.Device)));
    }

    /// <inheritdoc />
    public float[][] EmbedTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encoding = Processor.Tokenizer.Encode(texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        return EmbeddingMath.NormalizedRows(XClip.GetTextFeatures(ids.to(XClip.Device), mask.to(XClip.Device)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            XClip.Dispose();
        }
    }
}
