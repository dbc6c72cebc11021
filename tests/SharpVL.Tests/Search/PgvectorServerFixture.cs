using SharpVL.Cli.Search;

namespace SharpVL.Tests.Search;

/// <summary>
/// The pgvector tests' server: PGlite with the real pgvector extension from tools/pglite (scripts/setup.sh installs it).
/// A missing installation fails the tests with that message: it is not a reason to skip them.
/// </summary>
public sealed class PgvectorServerFixture : IDisposable
{
    private readonly PgliteServer _server = new(Path.Combine(TestPaths.RepoRoot, "tools", "pglite"));

    /// <summary>A fresh, empty index address (its own schema).</summary>
    public string NewDatabaseUrl() => _server.NewDatabaseUrl();

    public void Dispose() => _server.Dispose();
}

[CollectionDefinition("pgvector")]
public sealed class PgvectorCollection : ICollectionFixture<PgvectorServerFixture>
{
}
