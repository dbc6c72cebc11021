using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SharpVL.Cli.Search;

/// <summary>
/// A real PostgreSQL wire-protocol server with the real pgvector extension: PGlite (PostgreSQL compiled to WASM) served
/// by npm's <c>pglite-server</c> from <c>tools/pglite</c> (installed by <c>scripts/setup.sh</c>), on 127.0.0.1 and a
/// free port, stopped on dispose. Used by the pgvector tests and <c>sharpvl bench --only search</c>.
/// </summary>
internal sealed partial class PgliteServer : IDisposable
{
    private readonly Process _process;

    /// <summary>Starts the server installed in <paramref name="tool"/> (the <c>tools/pglite</c> folder).</summary>
    /// <exception cref="InvalidOperationException">It is not installed there.</exception>
    public PgliteServer(string tool)
    {
        var script = Path.Combine(tool, "node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js");
        if (!File.Exists(script) || !Directory.Exists(Path.Combine(tool, "node_modules", "@electric-sql", "pglite-pgvector")))
        {
            throw new InvalidOperationException(
                $"The pgvector test server is not installed ({script} is missing): run scripts/setup.sh, or 'npm ci' in {tool}.");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = tool,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { script, "--host=127.0.0.1", "--port=0", "--extensions=@electric-sql/pglite-pgvector:vector", "--max-connections=16" })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"pglite-server exited before listening: {log}"));
                return;
            }
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (ListeningPort().Match(e.Data) is { Success: true } m)
            {
                ready.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(90)))
        {
            Dispose();
            throw new TimeoutException($"pglite-server did not start listening within 90 s: {log}");
        }
        Port = ready.Task.Result;
    }

    public int Port { get; }

    private int _schemas;

    /// <summary>A fresh, empty index address (its own schema) on this server.</summary>
    public string NewDatabaseUrl() =>
        $"postgresql://postgres:postgres@127.0.0.1:{Port}/postgres?schema=t{Interlocked.Increment(ref _schemas)}_{Guid.NewGuid().ToString("N")[..8]}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex("listening on .*\"port\":(\\d+)")]
    private static partial Regex ListeningPort();
}
