using System.Data.Common;
using System.Globalization;

namespace SharpVL.Search;

/// <summary>How every store records its model: key/value rows of an <c>index_meta</c> table.</summary>
internal static class IndexMetadata
{
    private const int SchemaVersion = 1;

    public static IEnumerable<(string Key, string Value)> Entries(IndexModel model) =>
    [
        ("schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture)),
        ("model_id", model.Id),
        ("model_revision", model.Revision),
        ("model_kind", model.Kind),
        ("dimension", model.Dimension.ToString(CultureInfo.InvariantCulture)),
    ];

    public static IndexModel? Model(IReadOnlyDictionary<string, string> meta, string name)
    {
        if (meta.Count == 0)
        {
            return null;
        }
        if (!meta.TryGetValue("model_id", out var id) || !meta.TryGetValue("model_revision", out var revision)
            || !meta.TryGetValue("model_kind", out var kind) || !meta.TryGetValue("dimension", out var dimension)
            || !int.TryParse(dimension, CultureInfo.InvariantCulture, out int d) || d <= 0)
        {
            throw new SearchIndexException($"Index '{name}' has incomplete model information; it was not written by SharpVL.", name);
        }
        return new IndexModel(id, revision, kind, d);
    }

    /// <summary>The columns <see cref="ReadVideo"/> reads, in order.</summary>
    public const string VideoColumns = "path, size, mtime_ticks, content_hash, duration_s, segment_s, stride_s";

    /// <summary>A row of <see cref="VideoColumns"/>.</summary>
    public static IndexedVideo ReadVideo(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), new DateTime(reader.GetInt64(2), DateTimeKind.Utc), reader.GetString(3), reader.GetDouble(4),
            new SegmentingOptions { SegmentSeconds = reader.GetDouble(5), StrideSeconds = reader.GetDouble(6) });
}
