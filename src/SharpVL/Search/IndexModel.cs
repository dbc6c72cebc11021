namespace SharpVL.Search;

/// <summary>Which model made an index's embeddings. An index holds embeddings of exactly one model.</summary>
/// <param name="Id">The model as given to <c>--model</c>: a Hub id, or the full path of a local directory.</param>
/// <param name="Revision">The Hub commit, or a fingerprint of a local directory's config and weight files.</param>
/// <param name="Kind">What a segment's embedding is: <see cref="XClipVideo"/> or <see cref="AltClipKeyframe"/>.</param>
/// <param name="Dimension">Length of every embedding (the model's projection size).</param>
public sealed record IndexModel(string Id, string Revision, string Kind, int Dimension)
{
    /// <summary>X-CLIP <c>get_video_features</c> of each segment's frames.</summary>
    public const string XClipVideo = "xclip-video";

    /// <summary>AltCLIP <c>get_image_features</c> of each segment's middle frame (keyframe).</summary>
    public const string AltClipKeyframe = "altclip-keyframe";

    /// <summary>The model as one line, e.g. for error messages and search results.</summary>
    public override string ToString() => $"{Id} (revision {Revision}, {Kind}, {Dimension}-d)";

    /// <summary>Throws when <paramref name="other"/> is not the same model (id, revision, kind and dimension).</summary>
    /// <exception cref="SearchIndexException">The models differ.</exception>
    public void RequireSame(IndexModel other, string indexName)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Dimension != other.Dimension)
        {
            throw new SearchIndexException(
                $"Index '{indexName}' holds {Dimension}-d embeddings of {this}; {other} makes {other.Dimension}-d embeddings, which cannot be mixed.", indexName);
        }
        if (Id != other.Id || Revision != other.Revision || Kind != other.Kind)
        {
            throw new SearchIndexException(
                $"Index '{indexName}' was built with {this}; refusing to mix in embeddings of {other}. Use another --db or the same model.", indexName);
        }
    }
}
