using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <summary>
/// A Transformers size dictionary: exactly one of <c>{"height", "width"}</c>, <c>{"shortest_edge"}</c> or
/// <c>{"shortest_edge", "longest_edge"}</c> (the key sets <c>get_size_dict</c> accepts in 4.27.1).
/// </summary>
public sealed record ImageSizeSpec
{
    private ImageSizeSpec(int? height, int? width, int? shortestEdge, int? longestEdge)
    {
        Height = height;
        Width = width;
        ShortestEdge = shortestEdge;
        LongestEdge = longestEdge;
    }

    /// <summary>Target height (with <see cref="Width"/>), or null.</summary>
    public int? Height { get; }

    /// <summary>Target width (with <see cref="Height"/>), or null.</summary>
    public int? Width { get; }

    /// <summary>Length the shorter image edge is resized to, or null.</summary>
    public int? ShortestEdge { get; }

    /// <summary>Upper bound on the longer edge (stored for round-tripping; VideoMAE and CLIP ignore it).</summary>
    public int? LongestEdge { get; }

    /// <summary>An exact <c>{"height", "width"}</c> size.</summary>
    public static ImageSizeSpec Exact(int height, int width)
    {
        RequirePositive(height, "height");
        RequirePositive(width, "width");
        return new ImageSizeSpec(height, width, null, null);
    }

    /// <summary>A <c>{"shortest_edge"}</c> (optionally with <c>longest_edge</c>) size.</summary>
    public static ImageSizeSpec Shortest(int shortestEdge, int? longestEdge = null)
    {
        RequirePositive(shortestEdge, "shortest_edge");
        if (longestEdge is int l)
        {
            RequirePositive(l, "longest_edge");
        }
        return new ImageSizeSpec(null, null, shortestEdge, longestEdge);
    }

    /// <summary>
    /// Parses a size value as <c>get_size_dict</c> does: a dict with one of the valid key sets; a bare int
    /// becomes <c>{"height": n, "width": n}</c> when <paramref name="defaultToSquare"/> (crop sizes) and
    /// <c>{"shortest_edge": n}</c> otherwise (resize sizes, e.g. the Hub's X-CLIP configs with <c>"size": 224</c>);
    /// a 2-element list is (height, width).
    /// </summary>
    /// <param name="value">The JSON value.</param>
    /// <param name="defaultToSquare">How a bare int is read.</param>
    /// <param name="paramName">The option name, for error messages (<c>size</c>, <c>crop_size</c>).</param>
    public static ImageSizeSpec Parse(JsonElement value, bool defaultToSquare, string paramName)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                int n = ReadInt(value, paramName);
                return defaultToSquare ? Exact(n, n) : Shortest(n);
            case JsonValueKind.Array:
                if (value.GetArrayLength() != 2)
                {
                    throw new ArgumentException($"'{paramName}' as a list must be [height, width], got {value}.");
                }
                return Exact(ReadInt(value[0], paramName), ReadInt(value[1], paramName));
            case JsonValueKind.Object:
                var keys = value.EnumerateObject().Select(p => p.Name).OrderBy(k => k, StringComparer.Ordinal).ToArray();
                string joined = string.Join(",", keys);
                return joined switch
                {
                    "height,width" => Exact(ReadInt(value.GetProperty("height"), paramName), ReadInt(value.GetProperty("width"), paramName)),
                    "shortest_edge" => Shortest(ReadInt(value.GetProperty("shortest_edge"), paramName)),
                    "longest_edge,shortest_edge" => Shortest(
                        ReadInt(value.GetProperty("shortest_edge"), paramName), ReadInt(value.GetProperty("longest_edge"), paramName)),
                    _ => throw new ArgumentException(
                        $"'{paramName}' must have the keys {{height, width}}, {{shortest_edge}} or {{shortest_edge, longest_edge}}, got {{{joined}}}."),
                };
            default:
                throw new ArgumentException($"'{paramName}' must be an int, a [height, width] list or a size dict, got {value.ValueKind}.");
        }
    }

    /// <summary>Writes the size as Transformers saves it (always a dict).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (Height is int h && Width is int w)
        {
            writer.WriteNumber("height", h);
            writer.WriteNumber("width", w);
        }
        else
        {
            if (LongestEdge is int l)
            {
                writer.WriteNumber("longest_edge", l);
            }
            writer.WriteNumber("shortest_edge", ShortestEdge!.Value);
        }
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public override string ToString() => Height is int h && Width is int w
        ? $"{{height: {h}, width: {w}}}"
        : LongestEdge is int l ? $"{{shortest_edge: {ShortestEdge}, longest_edge: {l}}}" : $"{{shortest_edge: {ShortestEdge}}}";

    private static int ReadInt(JsonElement e, string paramName)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v))
        {
            throw new ArgumentException($"'{paramName}' must hold integers, got {e}.");
        }
        return v;
    }

    private static void RequirePositive(int v, string name)
    {
        if (v <= 0 || v > Configuration.ConfigLimits.MaxImageSide)
        {
            throw new ArgumentException(
                $"Size '{name}' must be from 1 to {Configuration.ConfigLimits.MaxImageSide} pixels, got {v}.");
        }
    }
}
