using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SharpVL.Configuration;

/// <summary>
/// Reads a sub-config (<c>text_config</c>, <c>vision_config</c>) with the same validation and derived defaults as a
/// top-level config, and writes it the way <see cref="PretrainedConfig.ToJson"/> does (sorted keys, <c>label2id</c>).
/// </summary>
/// <typeparam name="TConfig">The sub-config class.</typeparam>
internal sealed class NestedConfigConverter<TConfig> : JsonConverter<TConfig>
    where TConfig : PretrainedConfig, new()
{
    public override TConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var node = JsonNode.Parse(ref reader) as JsonObject
            ?? throw new NestedConfigJsonException(null, "must be a JSON object.");
        return Parse(node);
    }

    public override void Write(Utf8JsonWriter writer, TConfig value, JsonSerializerOptions options)
        => writer.WriteRawValue(value.ToJson());

    /// <summary>
    /// Parses a sub-config object. Transformers ignores a sub-config's own <c>model_type</c> (the composite decides the
    /// class), so a different one is dropped instead of being an error.
    /// </summary>
    internal static TConfig Parse(JsonObject node)
    {
        var expected = new TConfig().ModelTypeName;
        try
        {
            // JsonObject builds its dictionary lazily and refuses duplicate keys there (the serializer takes the last).
            _ = node.Count;
            _ = node["model_type"];
        }
        catch (ArgumentException)
        {
            throw new NestedConfigJsonException(null, "has a key given twice.");
        }
        if (node["model_type"] is JsonValue type && type.TryGetValue<string>(out var name) && name != expected)
        {
            node = (JsonObject)node.DeepClone();
            node.Remove("model_type");
        }
        return ConfigJson.ParseNested<TConfig>(node.ToJsonString());
    }
}

/// <summary>Helpers for the sub-configs of composite configs (X-CLIP, AltCLIP).</summary>
public static class SubConfigs
{
    /// <summary>
    /// Applies a legacy <c>text_config_dict</c>/<c>vision_config_dict</c> the way Transformers 4.27.1 does: the dict is
    /// read as a full config (its defaults included) and each of its keys wins over <paramref name="current"/>; keys
    /// only <paramref name="current"/> has (unknown extras) survive.
    /// </summary>
    public static TConfig MergeLegacy<TConfig>(TConfig current, JsonObject legacy, string key)
        where TConfig : PretrainedConfig, new()
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(legacy);
        TConfig overriding;
        try
        {
            overriding = NestedConfigConverter<TConfig>.Parse(legacy);
        }
        catch (NestedConfigJsonException e)
        {
            throw new NestedConfigJsonException(e.Field is null ? key : $"{key}.{e.Field}", e.Problem, e);
        }
        var merged = JsonNode.Parse(current.ToJson())!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(overriding.ToJson())!.AsObject())
        {
            merged[name] = value?.DeepClone();
        }
        return NestedConfigConverter<TConfig>.Parse(merged);
    }
}
