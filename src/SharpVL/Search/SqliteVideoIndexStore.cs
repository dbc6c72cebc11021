using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace SharpVL.Search;

/// <summary>
/// The embedded index: one SQLite file, no server. Search is exact: every stored embedding is read in rowid order and
/// scored against the query (a matrix–vector product done a row block at a time), keeping only the best k, so memory
/// stays bounded by one block whatever the size of the index.
/// </summary>
public sealed class SqliteVideoIndexStore : IVideoIndexStore
{
    private const int StreamBlockRows = 4096;
    private readonly string _connectionString;
    private readonly Lock _cacheLock = new();
    private IndexModel? _model;
    private EmbeddingBlock? _cache;
    private long _cacheGeneration;

    /// <summary>Opens (creating when missing) the index file at <paramref name="path"/>.</summary>
    /// <exception cref="SearchIndexException">The file is not a SharpVL index or not a SQLite database.</exception>
    public SqliteVideoIndexStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Name = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(Name);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new SearchIndexException($"Index '{Name}': the folder '{directory}' does not exist.", Name);
        }
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Name, Pooling = true, DefaultTimeout = 60 }.ToString();
        try
        {
            using var connection = Open();
            Execute(connection, "PRAGMA journal_mode=WAL;");
            if (TableExists(connection, "index_meta"))
            {
                _model = ReadModel(connection);
            }
        }
        catch (SqliteException e)
        {
            throw new SearchIndexException($"Index '{Name}' is not a usable SQLite database: {e.Message}", Name, e);
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IndexModel? Model => Refresh();

    /// <inheritdoc />
    public void Initialize(IndexModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS videos (
                id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, mtime_ticks INTEGER NOT NULL,
                content_hash TEXT NOT NULL, duration_s REAL NOT NULL, segment_s REAL NOT NULL, stride_s REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS segments (
                id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, start_s REAL NOT NULL,
                end_s REAL NOT NULL, frames TEXT NOT NULL, thumbnail BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS segments_video ON segments (video_id);
            -- Embeddings alone in their own table, so the search scan reads nothing else.
            CREATE TABLE IF NOT EXISTS embeddings (segment_id INTEGER PRIMARY KEY, vector BLOB NOT NULL);
            """, transaction);
        var existing = ReadModel(connection, transaction);
        if (existing is null)
        {
            foreach (var (key, value) in IndexMetadata.Entries(model))
            {
                Execute(connection, "INSERT INTO index_meta (key, value) VALUES ($k, $v)", transaction, ("$k", key), ("$v", value));
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
        using var connection = Open();
        using var command = Command(connection, $"SELECT {IndexMetadata.VideoColumns} FROM videos");
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
        var model = RequireModel();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        DeleteVideo(connection, transaction, video.Path);
        long videoId = Convert.ToInt64(Scalar(connection, """
            INSERT INTO videos (path, size, mtime_ticks, content_hash, duration_s, segment_s, stride_s)
            VALUES ($p, $s, $m, $h, $d, $sl, $st) RETURNING id
            """, transaction, ("$p", video.Path), ("$s", video.Size), ("$m", video.ModifiedUtc.Ticks), ("$h", video.ContentHash),
            ("$d", video.DurationSeconds), ("$sl", video.Segmenting.SegmentSeconds), ("$st", video.Segmenting.StrideSeconds)), CultureInfo.InvariantCulture);
        using var insertSegment = Command(connection, """
            INSERT INTO segments (video_id, ordinal, start_s, end_s, frames, thumbnail) VALUES ($v, $o, $a, $b, $f, $t) RETURNING id
            """, transaction);
        using var insertEmbedding = Command(connection, "INSERT INTO embeddings (segment_id, vector) VALUES ($id, $e)", transaction);
        foreach (var record in segments)
        {
            RequireDimension(record.Embedding, model);
            insertSegment.Parameters.Clear();
            AddParameters(insertSegment, ("$v", videoId), ("$o", record.Segment.Ordinal), ("$a", record.Segment.StartSeconds),
                ("$b", record.Segment.EndSeconds), ("$f", FrameList.Format(record.Segment.FrameIndices)), ("$t", record.ThumbnailJpeg));
            long segmentId = Convert.ToInt64(insertSegment.ExecuteScalar(), CultureInfo.InvariantCulture);
            insertEmbedding.Parameters.Clear();
            AddParameters(insertEmbedding, ("$id", segmentId), ("$e", MemoryMarshal.AsBytes(record.Embedding.AsSpan()).ToArray()));
            insertEmbedding.ExecuteNonQuery();
        }
        BumpGeneration(connection, transaction);
        transaction.Commit();
    }

    /// <inheritdoc />
    public void TouchVideo(string path, long size, DateTime modifiedUtc)
    {
        using var connection = Open();
        Execute(connection, "UPDATE videos SET size = $s, mtime_ticks = $m WHERE path = $p", null, ("$s", size), ("$m", modifiedUtc.Ticks), ("$p", path));
    }

    /// <inheritdoc />
    public bool RemoveVideo(string path)
    {
        if (Refresh() is null)
        {
            return false;
        }
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        bool removed = DeleteVideo(connection, transaction, path);
        BumpGeneration(connection, transaction);
        transaction.Commit();
        return removed;
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
        RequireDimension(query, model);
        var best = new TopKCollector(topK);
        using var connection = Open();
        if (Cached(connection, model) is { } cache)
        {
            cache.ScoreInto(query, best, topK);
        }
        else
        {
            var block = new EmbeddingBlock(StreamBlockRows, query.Length);
            ReadEmbeddings(connection, block, full => { full.ScoreInto(query, best, topK); full.Clear(); });
            block.ScoreInto(query, best, topK);
        }
        var hits = new List<SearchHit>();
        using var details = Command(connection, """
            SELECT s.video_id, v.path, s.start_s, s.end_s FROM segments s JOIN videos v ON v.id = s.video_id WHERE s.id = $id
            """);
        foreach (var (id, score) in best.Best())
        {
            details.Parameters.Clear();
            details.Parameters.AddWithValue("$id", id);
            using var reader = details.ExecuteReader();
            if (reader.Read())
            {
                hits.Add(new SearchHit(id, reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), score));
            }
        }
        return hits;
    }

    /// <summary>
    /// Embeddings up to this many bytes are kept in memory between queries (default 1 GiB: 500,000 segments at 512-d),
    /// so a server answers from RAM; larger indexes are streamed from the file a block at a time on every query.
    /// </summary>
    public long CacheBudgetBytes { get; init; } = 1L << 30;

    /// <summary>The in-memory embeddings when they fit the budget, reloaded when any writer changed the index.</summary>
    private EmbeddingBlock? Cached(SqliteConnection connection, IndexModel model)
    {
        var generation = Convert.ToInt64(Scalar(connection, "SELECT value FROM index_meta WHERE key = 'generation'") ?? "0", CultureInfo.InvariantCulture);
        lock (_cacheLock)
        {
            if (_cache is not null && _cacheGeneration == generation)
            {
                return _cache;
            }
            var count = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM embeddings"), CultureInfo.InvariantCulture);
            if (count * model.Dimension * sizeof(float) > CacheBudgetBytes)
            {
                _cache = null;
                return null;
            }
            var block = new EmbeddingBlock((int)count, model.Dimension);
            ReadEmbeddings(connection, block, null);
            (_cache, _cacheGeneration) = (block, generation);
            return block;
        }
    }

    /// <summary>Reads every stored embedding into <paramref name="block"/>, handing full blocks to <paramref name="onFull"/> (or growing it when null).</summary>
    private void ReadEmbeddings(SqliteConnection connection, EmbeddingBlock block, Action<EmbeddingBlock>? onFull)
    {
        using var scan = Command(connection, "SELECT segment_id, vector FROM embeddings");
        using var reader = scan.ExecuteReader();
        var bytes = new byte[block.Dimension * sizeof(float)];
        while (reader.Read())
        {
            if (reader.GetBytes(1, 0, bytes, 0, bytes.Length) != bytes.Length)
            {
                throw new SearchIndexException($"Index '{Name}': segment {reader.GetInt64(0)} has a malformed embedding.", Name);
            }
            if (block.IsFull && onFull is not null)
            {
                onFull(block);
            }
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(block.Append(reader.GetInt64(0)));
        }
    }

    /// <summary>Counts every write, so cached embeddings of any process see other processes' changes.</summary>
    private static void BumpGeneration(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, """
            INSERT INTO index_meta (key, value) VALUES ('generation', '1')
            ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            """, transaction);

    /// <inheritdoc />
    public StoredSegment? GetSegment(long segmentId)
    {
        if (Refresh() is null)
        {
            return null;
        }
        using var connection = Open();
        using var command = Command(connection, """
            SELECT s.video_id, v.path, s.start_s, s.end_s, s.frames, s.thumbnail FROM segments s JOIN videos v ON v.id = s.video_id WHERE s.id = $id
            """);
        command.Parameters.AddWithValue("$id", segmentId);
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
        using var connection = Open();
        return Scalar(connection, "SELECT path FROM videos WHERE id = $id", null, ("$id", videoId)) as string;
    }

    /// <inheritdoc />
    public IndexStats Stats()
    {
        if (Refresh() is null)
        {
            return new IndexStats(0, 0);
        }
        using var connection = Open();
        return new IndexStats(
            Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM videos"), CultureInfo.InvariantCulture),
            Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM segments"), CultureInfo.InvariantCulture));
    }

    /// <summary>The recorded model, read again while there is none (another process may have created the index since).</summary>
    private IndexModel? Refresh()
    {
        if (_model is null)
        {
            using var connection = Open();
            if (TableExists(connection, "index_meta"))
            {
                _model = ReadModel(connection);
            }
        }
        return _model;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Pooled connections keep the file open (and its WAL); release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private IndexModel RequireModel() =>
        _model ?? throw new InvalidOperationException($"Index '{Name}' has no model yet: call Initialize first.");

    private void RequireDimension(float[] vector, IndexModel model)
    {
        if (vector.Length != model.Dimension)
        {
            throw new SearchIndexException($"Index '{Name}' holds {model.Dimension}-d embeddings; got a {vector.Length}-d vector.", Name);
        }
    }

    private IndexModel? ReadModel(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = Command(connection, "SELECT key, value FROM index_meta", transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                meta[reader.GetString(0)] = reader.GetString(1);
            }
        }
        return IndexMetadata.Model(meta, Name);
    }

    private static bool DeleteVideo(SqliteConnection connection, SqliteTransaction transaction, string path)
    {
        if (Scalar(connection, "SELECT id FROM videos WHERE path = $p", transaction, ("$p", path)) is not long id)
        {
            return false;
        }
        Execute(connection, """
            DELETE FROM embeddings WHERE segment_id IN (SELECT id FROM segments WHERE video_id = $v);
            DELETE FROM segments WHERE video_id = $v;
            DELETE FROM videos WHERE id = $v;
            """, transaction, ("$v", id));
        return true;
    }

    private static bool TableExists(SqliteConnection connection, string table) =>
        Scalar(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $n", null, ("$n", table)) is not null;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void AddParameters(SqliteCommand command, params (string Name, object Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, transaction);
        AddParameters(command, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, transaction);
        AddParameters(command, parameters);
        return command.ExecuteScalar();
    }
}
