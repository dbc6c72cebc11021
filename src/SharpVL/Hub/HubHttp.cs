using System.Net;
using System.Net.Http.Headers;

namespace SharpVL.Hub;

/// <summary>
/// Sends Hub requests with the headers huggingface_hub sends, a per-request timeout, and redirects handled by hand:
/// the token only ever goes to the Hub endpoint's own host, never to a CDN or other host a redirect points at.
/// </summary>
internal sealed class HubHttp(HttpClient client, HubSettings settings)
{
    private const int MaxRedirects = 10;
    private static readonly string UserAgent = $"SharpVL/{typeof(HubHttp).Assembly.GetName().Version?.ToString(3) ?? "0"}; dotnet/{Environment.Version}";
    private readonly Uri _endpoint = new(settings.Endpoint.TrimEnd('/') + "/");

    public Uri Endpoint => _endpoint;

    public bool HasToken => settings.Token is not null;

    /// <summary>One request, no redirect followed; a timeout surfaces as <see cref="TimeoutException"/>.</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, Uri url, long rangeStart, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        // Sizes and ranges refer to the stored bytes, so no transfer compression.
        request.Headers.AcceptEncoding.ParseAdd("identity");
        if (settings.Token is { } token && IsEndpointHost(url))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (rangeStart > 0)
        {
            request.Headers.Range = new RangeHeaderValue(rangeStart, null);
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply from {url.GetLeftPart(UriPartial.Authority)} within {timeout.TotalSeconds:0.#} s.", e);
        }
    }

    /// <summary>GET that follows redirects (e.g. to the LFS CDN), dropping the token when the host changes.</summary>
    public async Task<HttpResponseMessage> GetFollowingRedirectsAsync(Uri url, long rangeStart, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            var response = await SendOnceAsync(HttpMethod.Get, url, rangeStart, settings.DownloadTimeout, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null || hop == MaxRedirects)
            {
                return response;
            }

            url = new Uri(url, response.Headers.Location);
            response.Dispose();
        }
    }

    public static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and <= 399;

    private bool IsEndpointHost(Uri url) =>
        Uri.Compare(url, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
