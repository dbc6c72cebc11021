using SharpVL.Modeling;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Search;

/// <summary>
/// What the two embedders share: tokenising queries, running the model under <c>inference_mode</c> in a dispose scope,
/// L2-normalising its features, and owning the model. A family supplies its two feature functions.
/// </summary>
public abstract class SegmentEmbedder : ISegmentEmbedder
{
    private readonly PreTrainedModel _module;
    private readonly ITextTokenizer _tokenizer;
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model; with <paramref name="ownsModel"/>, disposing the embedder disposes the model.</summary>
    protected SegmentEmbedder(PreTrainedModel model, ITextTokenizer tokenizer, IndexModel identity, bool ownsModel)
    {
        _module = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Model = identity ?? throw new ArgumentNullException(nameof(identity));
        _ownsModel = ownsModel;
    }

    /// <inheritdoc />
    public IndexModel Model { get; }

    /// <inheritdoc />
    public abstract int FramesPerSegment { get; }

    /// <inheritdoc />
    public abstract PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments);

    /// <inheritdoc />
    public float[][] EmbedSegments(PixelValues pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        return EmbeddingMath.NormalizedRows(SegmentFeatures(pixels.ToTensor().to(_module.Device)));
    }

    /// <inheritdoc />
    public float[][] EmbedTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encoding = _tokenizer.Encode(texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = encoding.ToTensors();
        return EmbeddingMath.NormalizedRows(TextFeatures(ids.to(_module.Device), mask.to(_module.Device)));
    }

    /// <summary>The model's segment features [segments, dim] for preprocessed pixels on the model's device.</summary>
    protected abstract Tensor SegmentFeatures(Tensor pixels);

    /// <summary>The model's <c>get_text_features</c> [texts, dim].</summary>
    protected abstract Tensor TextFeatures(Tensor inputIds, Tensor attentionMask);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            _module.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
