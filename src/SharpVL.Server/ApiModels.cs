namespace SharpVL.Server;

/// <summary>One result of <c>GET /api/search</c>.</summary>
/// <param name="Rank">1 for the best.</param>
/// <param name="SegmentId">The segment (for its thumbnail).</param>
/// <param name="VideoId">The video (for playback).</param>
/// <param name="Path">The file.</param>
/// <param name="Name">The file name.</param>
/// <param name="StartS">Start of the segment in seconds.</param>
/// <param name="EndS">End of the segment in seconds.</param>
/// <param name="Score">Cosine similarity.</param>
/// <param name="Thumbnail">URL of the JPEG thumbnail.</param>
/// <param name="Video">URL that plays the segment (<c>/api/videos/{id}#t=start,end</c>, a media fragment).</param>
public sealed record SearchResult(int Rank, long SegmentId, long VideoId, string Path, string Name, double StartS, double EndS, double Score, string Thumbnail, string Video);

/// <summary>The answer of <c>GET /api/search</c>.</summary>
/// <param name="Query">The query.</param>
/// <param name="Model">The index's model.</param>
/// <param name="Results">Best first.</param>
public sealed record SearchResponse(string Query, string Model, IReadOnlyList<SearchResult> Results);

/// <summary>A label's probability.</summary>
/// <param name="Label">The candidate label.</param>
/// <param name="Score">Softmax probability over the candidates.</param>
public sealed record LabelResult(string Label, double Score);

/// <summary>The answer of <c>POST /api/classify</c>.</summary>
/// <param name="File">The uploaded file's name.</param>
/// <param name="Model">The model that labelled it.</param>
/// <param name="Labels">Candidate labels, most probable first.</param>
/// <param name="Similar">Indexed segments most like the upload.</param>
public sealed record ClassifyResponse(string File, string Model, IReadOnlyList<LabelResult> Labels, IReadOnlyList<SearchResult> Similar);

/// <summary>An error answer.</summary>
/// <param name="Error">What went wrong, in one line.</param>
public sealed record ErrorResponse(string Error);
