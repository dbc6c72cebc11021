using System.Diagnostics;

namespace SharpVL.Hub;

/// <summary>Forwards download progress at a bounded rate so a fast transfer does not flood the UI.</summary>
internal sealed class ProgressThrottle(IProgress<DownloadProgress>? sink, string fileName, long? totalBytes)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _sinceLastReport = new();

    public void Report(long bytesDownloaded)
    {
        if (sink is null || (_sinceLastReport.IsRunning && _sinceLastReport.Elapsed < Interval))
        {
            return;
        }

        sink.Report(new DownloadProgress(fileName, bytesDownloaded, totalBytes));
        _sinceLastReport.Restart();
    }

    public void Complete(long bytesDownloaded) =>
        sink?.Report(new DownloadProgress(fileName, bytesDownloaded, totalBytes ?? bytesDownloaded, IsCompleted: true));
}
