namespace SharpVL.Search;

/// <summary>Opens the store an address names: <c>postgresql://...</c> (or an Npgsql connection string) for PostgreSQL + pgvector, anything else a SQLite file.</summary>
public static class VideoIndexStores
{
    /// <summary>The default index file when no <c>--db</c> is given.</summary>
    public const string DefaultPath = "sharpvl-index.db";

    /// <summary>Whether <paramref name="address"/> names a PostgreSQL database.</summary>
    public static bool IsPostgres(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || address.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || address.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Opens (creating when needed) the index at <paramref name="address"/>.</summary>
    public static IVideoIndexStore Open(string? address)
    {
        address ??= DefaultPath;
        return IsPostgres(address) ? new PgvectorVideoIndexStore(address) : new SqliteVideoIndexStore(address);
    }
}
