using SharpVL.Processing.Images;

namespace SharpVL.Search;

/// <summary>
/// Turns video segments and text queries into L2-normalised embeddings of one model, so that a dot product is their
/// cosine similarity. <see cref="Preprocess"/> touches no tensors and may run on a decode-ahead thread; the other members
/// run the model.
/// </summary>
public interface ISegmentEmbedder : IDisposable
{
    /// <summary>The model, as recorded in an index.</summary>
    IndexModel Model { get; }

    /// <summary>Frames the model takes per segment (X-CLIP: <c>num_frames</c>; AltCLIP keyframes: 1).</summary>
    int FramesPerSegment { get; }

    /// <summary>Resizes and normalises each segment's frames (exactly <see cref="FramesPerSegment"/> each) into model input.</summary>
    PixelValues Preprocess(IReadOnlyList<IReadOnlyList<RgbImage>> segments);

    /// <summary>Normalised embeddings of preprocessed segments, one row per segment.</summary>
    float[][] EmbedSegments(PixelValues pixels);

    /// <summary>Normalised text embeddings (<c>get_text_features</c>), one row per text.</summary>
    float[][] EmbedTexts(IReadOnlyList<string> texts);
}
