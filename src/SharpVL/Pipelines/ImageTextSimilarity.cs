namespace SharpVL.Pipelines;

/// <summary>How well every image matches every text.</summary>
/// <param name="ImageSources">Image names (file paths, or <c>image[i]</c> for in-memory images).</param>
/// <param name="Texts">The texts, in order.</param>
/// <param name="Cosine">Cosine similarity of the projected embeddings, <c>Cosine[image][text]</c> in [-1, 1].</param>
/// <param name="Logits">The model's <c>logits_per_image</c>: cosine × <c>exp(logit_scale)</c>, <c>Logits[image][text]</c>.</param>
public sealed record ImageTextSimilarity(
    IReadOnlyList<string> ImageSources, IReadOnlyList<string> Texts, float[][] Cosine, float[][] Logits)
{
    /// <summary>For each text, the image that matches it best (text → image retrieval), as an index into the images.</summary>
    public IReadOnlyList<int> BestImagePerText()
        => [.. Enumerable.Range(0, Texts.Count).Select(t => Enumerable.Range(0, Cosine.Length).MaxBy(i => Cosine[i][t]))];

    /// <summary>For each image, the text that matches it best, as an index into the texts.</summary>
    public IReadOnlyList<int> BestTextPerImage()
        => [.. Cosine.Select(row => Enumerable.Range(0, row.Length).MaxBy(t => row[t]))];
}
