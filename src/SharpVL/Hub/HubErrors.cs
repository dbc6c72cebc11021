using System.Net;

namespace SharpVL.Hub;

/// <summary>Turns a failed Hub reply into the matching <see cref="HubException"/>, following huggingface_hub's <c>hf_raise_for_status</c>.</summary>
internal static class HubErrors
{
    public const string ErrorCodeHeader = "X-Error-Code";
    public const string ErrorMessageHeader = "X-Error-Message";
    public const string RepoCommitHeader = "X-Repo-Commit";

    public static HubException FromResponse(HttpResponseMessage response, HubFileRequest request, bool tokenSent)
    {
        var status = response.StatusCode;
        var code = Header(response, ErrorCodeHeader);
        var serverMessage = Header(response, ErrorMessageHeader);
        var http = $"HTTP {(int)status}{(code is null ? "" : ", " + code)}{(serverMessage is null ? "" : ": " + serverMessage)}";

        if (code == "RevisionNotFound")
        {
            return new RevisionNotFoundException($"Revision '{request.Revision}' does not exist in repository '{request.RepoId}' ({http})", request);
        }

        if (code == "EntryNotFound" || (status == HttpStatusCode.NotFound && code is null))
        {
            return new EntryNotFoundException(
                $"File '{request.Filename}' does not exist in repository '{request.RepoId}' at revision '{request.Revision}' ({http})",
                request,
                Header(response, RepoCommitHeader) is { } commit && HubNames.IsCommitHash(commit) ? commit : null);
        }

        if (code == "GatedRepo" || status == HttpStatusCode.Forbidden)
        {
            return new GatedRepoException(
                $"Access to repository '{request.RepoId}' is restricted ({http}). If it is gated, request access at "
                + $"{request.Endpoint}/{request.RepoId}, then set HF_TOKEN (or the token file under HF_HOME) to a token of the account that was granted access"
                + (tokenSent ? "; the token that was sent does not grant access" : "; no token was sent"),
                request);
        }

        var invalidCredentials = serverMessage == "Invalid credentials in Authorization header";
        if (code == "RepoNotFound" || (status == HttpStatusCode.Unauthorized && !invalidCredentials))
        {
            return new RepositoryNotFoundException(
                $"Repository '{request.RepoId}' was not found ({http}). Check the id; if the repository is private, set HF_TOKEN to a token with read access"
                + (tokenSent ? " (the token that was sent does not grant access)" : " (no token was sent)"),
                request);
        }

        if (invalidCredentials)
        {
            return new HubHttpException($"The Hub rejected the token ({http}); check HF_TOKEN or the token file under HF_HOME", request, status);
        }

        return new HubHttpException($"The Hub answered {http} {response.ReasonPhrase}".TrimEnd(), request, status);
    }

    public static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            var value = string.Join(",", values).Trim();
            return value.Length == 0 ? null : value;
        }

        return null;
    }
}
