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
}
