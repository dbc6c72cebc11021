using System.Text.Json;
using System.Text.Json.Serialization;
using SharpVL.Configuration;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// Reads and writes a sub-config (<c>text_config</c>, <c>vision_config</c>) with its own config rules: validation on
/// read, and on write the same sorted, label-complete JSON a stand-alone config gets.
/// </summary>
internal sealed class NestedConfigConverter<TConfig> : JsonConverter<TConfig>
    where TConfig : PretrainedConfig
{
    public override TConfig? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"expected a JSON object for {typeof(TConfig).Name}, got {document.RootElement.ValueKind}.");
        }
        return ConfigJson.Parse<TConfig>(document.RootElement, typeof(TConfig).Name);
    }

    public override void Write(Utf8JsonWriter writer, TConfig value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteRawValue(value.ToJson());
    }
}
