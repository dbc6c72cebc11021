using System.Net;

namespace SharpVL.Hub;

/// <summary>
/// Downloads one blob into <c>{blob}.incomplete</c>, resuming with <c>Range: bytes=N-</c> from whatever an earlier
/// attempt (this call or a previous process) left there, and checks the final size. The caller renames the
/// finished file into place, so a partial download never sits under the blob's final name.
/// </summary>
internal sealed class BlobDownloader(HubHttp http, HubSettings settings)
{
    private const int BufferSize = 1 << 20;

    public async Task DownloadAsync(
        Uri url, string incompletePath, long? expectedSize, HubFileRequest request, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var sizeBefore = CurrentSize(incompletePath);
            try
            {
                await DownloadOnceAsync(url, incompletePath, expectedSize, request, progress, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (CurrentSize(incompletePath) > sizeBefore)
                {
                    // Like huggingface_hub: an attempt that made progress does not count against the budget,
                    // so a long download over a flaky link keeps going.
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

        var actualSize = new FileInfo(incompletePath).Length;
        if (expectedSize is { } size && actualSize != size)
        {
            File.Delete(incompletePath);
            throw new HubHttpException(
                $"Consistency check failed: '{request.Filename}' should be {size} bytes but {actualSize} were received; the partial file was discarded, please retry",
                request);
        }
    }

    private async Task DownloadOnceAsync(
        Uri url, string incompletePath, long? expectedSize, HubFileRequest request, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        var resumeFrom = CurrentSize(incompletePath);
        if (expectedSize is { } size && resumeFrom > size)
        {
            // Longer than the file can be: left by some other version of the file, useless for resuming.
            resumeFrom = 0;
        }

        if (expectedSize is { } complete && resumeFrom == complete && resumeFrom > 0)
        {
            return;
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
        progress.Report(written);

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(
            incompletePath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await ReadWithTimeoutAsync(body, buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            written += read;
            progress.Report(written);
        }
    }

    private async Task<int> ReadWithTimeoutAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(settings.DownloadTimeout);
        try
        {
            return await body.ReadAsync(buffer, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data received for {settings.DownloadTimeout.TotalSeconds:0.#} s.", e);
        }
    }

    private static long CurrentSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    internal static bool IsTransient(Exception e) => e is HttpRequestException or IOException or TimeoutException;
}
