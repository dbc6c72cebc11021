using System.Net;

namespace SharpVL.Hub;

/// <summary>
/// Downloads one blob into <c>{blob}.incomplete</c>, resuming with <c>Range: bytes=N-</c> from whatever an earlier
/// attempt (this call or a previous process) left there. The caller verifies the result (<see cref="BlobVerification"/>)
/// and only then renames it into place, so a partial or altered download never sits under the blob's final name.
/// </summary>
internal sealed class BlobDownloader(HubHttp http, HubSettings settings)
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Downloads into <paramref name="incompletePath"/>, resuming after transient failures, within the overall stall
    /// deadline (<see cref="HubSettings.StallTimeout"/>). Returns what the last response said about the body's size and
    /// framing, for <see cref="BlobVerification"/>.
    /// </summary>
    public async Task<BodyFraming> DownloadAsync(
        Uri url, string incompletePath, long? expectedSize, HubFileRequest request, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        var watchdog = new StallWatchdog(settings);
        watchdog.Report(CurrentSize(incompletePath));
        for (var attempt = 0; ; attempt++)
        {
            var sizeBefore = CurrentSize(incompletePath);
            try
            {
                return await DownloadOnceAsync(url, incompletePath, expectedSize, request, progress, watchdog, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (watchdog.Expired)
                {
                    throw watchdog.Stalled(request, url, incompletePath);
                }
                if (CurrentSize(incompletePath) > sizeBefore)
                {
                    // Like huggingface_hub: an attempt that made progress does not count against the budget,
                    // so a long download over a flaky link keeps going (the stall deadline still bounds it).
                    attempt = -1;
                }
                else if (attempt >= settings.MaxResumeAttempts)
                {
                    throw new HubHttpException(
                        $"Downloading '{request.Filename}' from {url.GetLeftPart(UriPartial.Path)} failed {attempt + 1} times ({e.Message}); "
                        + $"the part already received is kept in {incompletePath} and the next attempt resumes from it",
                        request, null, e);
                }

                await Task.Delay(settings.ResumeDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<BodyFraming> DownloadOnceAsync(
        Uri url, string incompletePath, long? expectedSize, HubFileRequest request, ProgressThrottle progress, StallWatchdog watchdog,
        CancellationToken cancellationToken)
    {
        var resumeFrom = CurrentSize(incompletePath);
        if (expectedSize is { } size && resumeFrom > size)
        {
            // Longer than the file can be: left by some other version of the file, useless for resuming.
            resumeFrom = 0;
        }

        if (expectedSize is { } complete && resumeFrom == complete && resumeFrom > 0)
        {
            return new BodyFraming(null, Framed: false);
        }

        using var response = await http.GetFollowingRedirectsAsync(url, resumeFrom, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && resumeFrom > 0)
        {
            // The leftover does not match the server's file; start over on the next attempt.
            File.Delete(incompletePath);
            throw new IOException($"The server refused to resume at byte {resumeFrom} (HTTP 416).");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw HubErrors.FromResponse(response, request, http.HasToken);
        }

        // A plain 200 to a range request carries the whole file, so the leftover is overwritten.
        var append = resumeFrom > 0 && response.StatusCode == HttpStatusCode.PartialContent
            && (response.Content.Headers.ContentRange?.From ?? resumeFrom) == resumeFrom;
        var written = append ? resumeFrom : 0;
        var framing = new BodyFraming(
            append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength,
            Framed: response.Content.Headers.ContentLength is not null || response.Headers.TransferEncodingChunked == true);
        progress.Report(written);

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(
            incompletePath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await ReadWithTimeoutAsync(body, buffer, watchdog, request, url, incompletePath, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            written += read;
            progress.Report(written);
            watchdog.Report(written);
            if (watchdog.Expired)
            {
                throw watchdog.Stalled(request, url, incompletePath);
            }
        }

        return framing;
    }

    private async Task<int> ReadWithTimeoutAsync(
        Stream body, byte[] buffer, StallWatchdog watchdog, HubFileRequest request, Uri url, string incompletePath, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = watchdog.Remaining;
        timeoutSource.CancelAfter(remaining < settings.DownloadTimeout ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : settings.DownloadTimeout);
        try
        {
            return await body.ReadAsync(buffer, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (watchdog.Expired)
            {
                throw watchdog.Stalled(request, url, incompletePath);
            }
            throw new TimeoutException($"No data received for {settings.DownloadTimeout.TotalSeconds:0.#} s.", e);
        }
    }

    private static long CurrentSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    internal static bool IsTransient(Exception e) => e is HttpRequestException or IOException or TimeoutException;
}
