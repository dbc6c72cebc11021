using System.Diagnostics;

namespace SharpVL.Hub;

/// <summary>
/// The overall stall deadline of one blob download, across its resumed attempts: each time another
/// <see cref="HubSettings.StallMinimumBytes"/> arrive the deadline moves <see cref="HubSettings.StallTimeout"/> ahead.
/// A server that keeps the connection alive with a trickle (which the per-read timeout never sees) fails at the deadline.
/// </summary>
internal sealed class StallWatchdog(HubSettings settings)
{
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private long _markBytes = -1;

    /// <summary>Records that <paramref name="bytes"/> of the blob are on disk.</summary>
    public void Report(long bytes)
    {
        if (_markBytes < 0 || bytes < _markBytes || bytes - _markBytes >= settings.StallMinimumBytes)
        {
            _markBytes = bytes;
            _sinceProgress.Restart();
        }
    }

    /// <summary>Time left before the download counts as stalled.</summary>
    public TimeSpan Remaining => settings.StallTimeout - _sinceProgress.Elapsed;

    /// <summary>True once the deadline has passed.</summary>
    public bool Expired => Remaining <= TimeSpan.Zero;

    /// <summary>The error for a stalled download.</summary>
    public HubHttpException Stalled(HubFileRequest request, Uri url, string incompletePath) => new(
        $"Downloading '{request.Filename}' from {url.GetLeftPart(UriPartial.Path)} stalled: fewer than {settings.StallMinimumBytes} bytes arrived " +
        $"in {settings.StallTimeout.TotalSeconds:0.#} s; the part received is kept in {incompletePath} and the next attempt resumes from it",
        request);
}
