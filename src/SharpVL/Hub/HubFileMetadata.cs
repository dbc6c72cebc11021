namespace SharpVL.Hub;

/// <summary>What a HEAD request on <c>/resolve/</c> tells about a file (huggingface_hub's <c>HfFileMetadata</c>).</summary>
/// <param name="CommitHash">Commit the revision resolved to (<c>X-Repo-Commit</c>).</param>
/// <param name="Etag">Normalized blob name: <c>X-Linked-Etag</c> (LFS SHA-256) or <c>ETag</c> (git SHA-1).</param>
/// <param name="Location">Where to GET the bytes: the CDN URL of an LFS redirect, else the (possibly renamed) resolve URL.</param>
/// <param name="Size">Announced size (<c>X-Linked-Size</c> or <c>Content-Length</c>), when given.</param>
internal sealed record HubFileMetadata(string CommitHash, string Etag, Uri Location, long? Size);
