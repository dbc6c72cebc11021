namespace SharpVL.Server;

/// <summary>Settings of <c>sharpvl serve</c>.</summary>
public sealed record VideoSearchServerOptions
{
    /// <summary>Where to listen (default <c>http://127.0.0.1:5000</c>; port 0 picks a free one).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5000"];

    /// <summary>Largest upload <c>POST /api/classify</c> accepts, in bytes (default 100 MiB).</summary>
    public long MaxUploadBytes { get; init; } = 100L << 20;

    /// <summary>Largest <c>k</c> a search may ask for (default 100).</summary>
    public int MaxResults { get; init; } = 100;
}
