using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace SharpVL.Search;

/// <summary>
/// The index at scale: PostgreSQL with the pgvector extension. Embeddings live in a <c>vector(d)</c> column with an HNSW
/// index for cosine distance, so a query reads a few hundred vectors instead of all of them; <see cref="SearchMode.Exact"/>
/// disables the index to score everything (to measure recall). Several indexing workers may write one index at once:
/// schema creation is serialised with an advisory lock and each video is written in its own transaction.
/// </summary>
public sealed class PgvectorVideoIndexStore : IVideoIndexStore
{
    // Any fixed number: every worker creating the schema takes the same transaction-level lock.
    private const long SchemaLockKey = 0x5368617270564C;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private IndexModel? _model;

    /// <summary>Connects to the database at <paramref name="address"/> (see <see cref="PostgresAddress"/>) and reads the index's model if there is one.</summary>
    /// <exception cref="SearchIndexException">The server cannot be reached, or pgvector is not available there.</exception>
    public PgvectorVideoIndexStore(string address)
    {
        var parsed = PostgresAddress.Parse(address);
        Name = parsed.DisplayName;
        _schema = parsed.Schema;
        try
        {
            // The extension must exist before a vector-aware data source loads the server's types.
            using (var bootstrap = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(parsed.ConnectionString) { Pooling = false }.ConnectionString))
            {
                bootstrap.Open();
                using var transaction = bootstrap.BeginTransaction();
                Execute(bootstrap, transaction, $"SELECT pg_advisory_xact_lock({SchemaLockKey}); CREATE EXTENSION IF NOT EXISTS vector;");
                transaction.Commit();
            }
            var builder = new NpgsqlDataSourceBuilder(parsed.ConnectionString);
            builder.UseVector();
            _dataSource = builder.Build();
            using var connection = _dataSource.OpenConnection();
            _model = ReadModel(connection, null);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new SearchIndexException($"Index '{Name}': {e.Message}", Name, e);
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IndexModel? Model => Refresh();

    /// <summary>HNSW candidate list size for queries (<c>hnsw.ef_search</c>); at least the number of results asked for. Default 100.</summary>
    public int EfSearch { get; set; } = 100;

    /// <inheritdoc />
    public void Initialize(IndexModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        string s = _schema;
        Execute(connection, transaction, $"""
            SELECT pg_advisory_xact_lock({SchemaLockKey});
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.index_meta (key text PRIMARY KEY, value text NOT NULL);
            """);
        var existing = ReadModel(connection, transaction);
        if (existing is null)
        {
            Execute(connection, transaction, $"""
                CREATE TABLE IF NOT EXISTS {s}.videos (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, path text NOT NULL UNIQUE, size bigint NOT NULL,
                    mtime_ticks bigint NOT NULL, content_hash text NOT NULL, duration_s double precision NOT NULL,
                    segment_s double precision NOT NULL, stride_s double precision NOT NULL);
                CREATE TABLE IF NOT EXISTS {s}.segments (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    video_id bigint NOT NULL REFERENCES {s}.videos (id) ON DELETE CASCADE,
                    ordinal integer NOT NULL, start_s double precision NOT NULL, end_s double precision NOT NULL,
                    frames text NOT NULL, thumbnail bytea NOT NULL, embedding vector({model.Dimension.ToString(CultureInfo.InvariantCulture)}) NOT NULL);
                CREATE INDEX IF NOT EXISTS segments_video ON {s}.segments (video_id);
                CREATE INDEX IF NOT EXISTS segments_embedding_hnsw ON {s}.segments USING hnsw (embedding vector_cosine_ops);
                """);
            foreach (var (key, value) in IndexMetadata.Entries(model))
            {
                Execute(connection, transaction, $"INSERT INTO {s}.index_meta (key, value) VALUES ($1, $2)", key, value);
            }
        }
        else
        {
            existing.RequireSame(model, Name);
        }
        transaction.Commit();
        _model = model;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IndexedVideo> Videos()
    {
        var result = new Dictionary<string, IndexedVideo>(StringComparer.Ordinal);
        if (Refresh() is null)
        {
            return result;
        }
        using var connection = _dataSource.OpenConnection();
        using var command = Command(connection, null, $"SELECT {IndexMetadata.VideoColumns} FROM {_schema}.videos");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var video = IndexMetadata.ReadVideo(reader);
            result[video.Path] = video;
        }
        return result;
    }

    /// <inheritdoc />
    public void PutVideo(IndexedVideo video, IReadOnlyList<SegmentRecord> segments)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(segments);
        var model = _model ?? throw new InvalidOperationException($"Index '{Name}' has no model yet: call Initialize first.");
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"DELETE FROM {_schema}.videos WHERE path = $1", video.Path);
        long videoId;
        using (var insert = Command(connection, transaction, $"""
            INSERT INTO {_schema}.videos (path, size, mtime_ticks, content_hash, duration_s, segment_s, stride_s)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, video.Path, video.Size, video.ModifiedUtc.Ticks, video.ContentHash, video.DurationSeconds,
            video.Segmenting.SegmentSeconds, video.Segmenting.StrideSeconds))
        {
            videoId = (long)insert.ExecuteScalar()!;
        }
        using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var record in segments)
        {
            if (record.Embedding.Length != model.Dimension)
            {
                throw new SearchIndexException($"Index '{Name}' holds {model.Dimension}-d embeddings; got a {record.Embedding.Length}-d vector.", Name);
            }
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO {_schema}.segments (video_id, ordinal, start_s, end_s, frames, thumbnail, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = videoId });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Segment.Ordinal });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Segment.StartSeconds });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Segment.EndSeconds });
            command.Parameters.Add(new NpgsqlParameter { Value = FrameList.Format(record.Segment.FrameIndices) });
            command.Parameters.Add(new NpgsqlParameter { Value = record.ThumbnailJpeg, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { Value = new Vector(record.Embedding) });
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            batch.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public void TouchVideo(string path, long size, DateTime modifiedUtc)
    {
        using var connection = _dataSource.OpenConnection();
        Execute(connection, null, $"UPDATE {_schema}.videos SET size = $1, mtime_ticks = $2 WHERE path = $3", size, modifiedUtc.Ticks, path);
    }

    /// <inheritdoc />
    public bool RemoveVideo(string path)
    {
        if (Refresh() is null)
        {
            return false;
        }
        using var connection = _dataSource.OpenConnection();
        using var command = Command(connection, null, $"DELETE FROM {_schema}.videos WHERE path = $1", path);
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public IReadOnlyList<SearchHit> Search(float[] query, int topK, SearchMode mode = SearchMode.Default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (Refresh() is not { } model)
        {
            return [];
        }
        if (query.Length != model.Dimension)
        {
            throw new SearchIndexException($"Index '{Name}' holds {model.Dimension}-d embeddings; got a {query.Length}-d query.", Name);
        }
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        // SET LOCAL keeps the setting to this transaction, so pooled connections come back unchanged.
        Execute(connection, transaction, mode == SearchMode.Exact
            ? "SET LOCAL enable_indexscan = off"
            : string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Math.Clamp(Math.Max(EfSearch, topK), 1, 1000)}"));
        using var command = Command(connection, transaction, $"""
            SELECT s.id, s.video_id, v.path, s.start_s, s.end_s, s.distance
            FROM (SELECT id, video_id, start_s, end_s, embedding <=> $1 AS distance FROM {_schema}.segments ORDER BY embedding <=> $1 LIMIT $2) s
            JOIN {_schema}.videos v ON v.id = s.video_id
            ORDER BY s.distance, s.id
            """, new Vector(query), topK);
        var hits = new List<SearchHit>(topK);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                hits.Add(new SearchHit(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4), 1 - reader.GetDouble(5)));
            }
        }
        transaction.Commit();
        return hits;
    }

    /// <inheritdoc />
    public StoredSegment? GetSegment(long segmentId)
    {
        if (Refresh() is null)
        {
            return null;
        }
        using var connection = _dataSource.OpenConnection();
        using var command = Command(connection, null, $"""
            SELECT s.video_id, v.path, s.start_s, s.end_s, s.frames, s.thumbnail FROM {_schema}.segments s JOIN {_schema}.videos v ON v.id = s.video_id WHERE s.id = $1
            """, segmentId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StoredSegment(segmentId, reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3),
                FrameList.Parse(reader.GetString(4)), (byte[])reader.GetValue(5))
            : null;
    }

    /// <inheritdoc />
    public string? GetVideoPath(long videoId)
    {
        if (Refresh() is null)
        {
            return null;
        }
        using var connection = _dataSource.OpenConnection();
        using var command = Command(connection, null, $"SELECT path FROM {_schema}.videos WHERE id = $1", videoId);
        return command.ExecuteScalar() as string;
    }

    /// <inheritdoc />
    public IndexStats Stats()
    {
        if (Refresh() is null)
        {
            return new IndexStats(0, 0);
        }
        using var connection = _dataSource.OpenConnection();
        using var videos = Command(connection, null, $"SELECT count(*) FROM {_schema}.videos");
        using var segments = Command(connection, null, $"SELECT count(*) FROM {_schema}.segments");
        return new IndexStats((long)videos.ExecuteScalar()!, (long)segments.ExecuteScalar()!);
    }

    /// <summary>The recorded model, read again while there is none (another worker may have created the index since).</summary>
    private IndexModel? Refresh()
    {
        if (_model is null)
        {
            using var connection = _dataSource.OpenConnection();
            _model = ReadModel(connection, null);
        }
        return _model;
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    private IndexModel? ReadModel(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using (var exists = Command(connection, transaction, "SELECT to_regclass($1)::text", $"{_schema}.index_meta"))
        {
            if (exists.ExecuteScalar() is not string)
            {
                return null;
            }
        }
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = Command(connection, transaction, $"SELECT key, value FROM {_schema}.index_meta");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            meta[reader.GetString(0)] = reader.GetString(1);
        }
        return IndexMetadata.Model(meta, Name);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }
}
