using System.Net;

namespace SharpVL.Hub;

/// <summary>A Hub file could not be provided; the message names the repository, file, revision and endpoint.</summary>
public class HubException : SharpVLException
{
    /// <summary>Creates the exception; <paramref name="problem"/> is completed with the request's coordinates.</summary>
    public HubException(string problem, HubFileRequest request, Exception? innerException = null)
        : base($"{problem} (repository '{request.RepoId}', file '{request.Filename}', revision '{request.Revision}', endpoint {request.Endpoint})", null, innerException)
    {
        RepoId = request.RepoId;
        Filename = request.Filename;
        Revision = request.Revision;
        Endpoint = request.Endpoint;
    }

    /// <summary>Repository id, e.g. <c>microsoft/xclip-base-patch32</c>.</summary>
    public string RepoId { get; }

    /// <summary>Path of the file inside the repository.</summary>
    public string Filename { get; }

    /// <summary>Revision asked for (branch, tag or commit hash).</summary>
    public string Revision { get; }

    /// <summary>Hub endpoint that was (or would have been) contacted.</summary>
    public string Endpoint { get; }
}

/// <summary>The repository does not exist, or it is private and the token (if any) gives no access.</summary>
public sealed class RepositoryNotFoundException(string problem, HubFileRequest request, Exception? innerException = null)
    : HubException(problem, request, innerException);

/// <summary>The repository is gated or forbidden: access must be requested on the Hub and a token set.</summary>
public sealed class GatedRepoException(string problem, HubFileRequest request, Exception? innerException = null)
    : HubException(problem, request, innerException);

/// <summary>The repository and revision exist but the file does not.</summary>
public sealed class EntryNotFoundException(string problem, HubFileRequest request, string? commitHash = null, Exception? innerException = null)
    : HubException(problem, request, innerException)
{
    /// <summary>Commit at which the file is missing, when the Hub reported it (<c>X-Repo-Commit</c>).</summary>
    public string? CommitHash { get; } = commitHash;
}

/// <summary>The branch, tag or commit does not exist in the repository.</summary>
public sealed class RevisionNotFoundException(string problem, HubFileRequest request, Exception? innerException = null)
    : HubException(problem, request, innerException);

/// <summary>The Hub could not be used (offline mode or no network) and the file is not in the local cache.</summary>
public sealed class OfflineCacheMissException(string problem, HubFileRequest request, Exception? innerException = null)
    : HubException(problem, request, innerException);

/// <summary>The Hub answered with an HTTP error not covered by a more specific type (e.g. 500), or a download broke.</summary>
public sealed class HubHttpException(string problem, HubFileRequest request, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : HubException(problem, request, innerException)
{
    /// <summary>HTTP status of the failing reply; <c>null</c> when the connection itself failed.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>Coordinates of one file on the Hub, used to build error messages.</summary>
/// <param name="RepoId">Repository id.</param>
/// <param name="Filename">Path inside the repository.</param>
/// <param name="Revision">Branch, tag or commit hash.</param>
/// <param name="Endpoint">Hub base URL.</param>
public sealed record HubFileRequest(string RepoId, string Filename, string Revision, string Endpoint);
