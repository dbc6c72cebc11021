using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Pipelines;

/// <summary>Video embeddings of files, one row per file, with what each file's decoding used and met.</summary>
/// <param name="Embeddings">[videos, projection_dim]; the caller disposes it.</param>
/// <param name="FrameIndices">The frames each video used.</param>
/// <param name="Damage">The damage met decoding each video (clean for an intact stream).</param>
public sealed record VideoEmbeddings(Tensor Embeddings, IReadOnlyList<IReadOnlyList<int>> FrameIndices, IReadOnlyList<DecodeReport> Damage)
{
    /// <summary>Deconstructs into the embeddings and the frames used.</summary>
    public void Deconstruct(out Tensor embeddings, out IReadOnlyList<IReadOnlyList<int>> frameIndices)
    {
        embeddings = Embeddings;
        frameIndices = FrameIndices;
    }
}
