using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpVL.Cli.Output;

/// <summary>
/// Builds the CLI's JSON: snake_case names, readable non-ASCII text, and no invalid numbers. JSON has no NaN or
/// infinity, so a non-finite float is written as <c>null</c> and counted; the caller turns the count into a warning
/// (a <c>warnings</c> entry and a line on stderr), so a consumer sees that a value was not a number rather than a
/// parse error or a made-up value.
/// </summary>
internal sealed class JsonValues
{
    /// <summary>Serializer options for every JSON the CLI prints (single line; labels in any script stay readable).</summary>
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new NonFiniteAsNull<double>(d => d, (w, d) => w.WriteNumberValue(d)), new NonFiniteAsNull<float>(f => f, (w, f) => w.WriteNumberValue(f)) },
    };

    /// <summary>Like <see cref="Compact"/>, indented.</summary>
    public static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };

    /// <summary>How many non-finite numbers were written as null so far.</summary>
    public int NonFinite { get; private set; }

    /// <summary>The warning to attach when <see cref="NonFinite"/> is not zero.</summary>
    public static string NonFiniteWarning(int count)
        => $"{count} value{(count == 1 ? " is" : "s are")} not finite (NaN or infinity), written as null";

    /// <summary>Converts numbers, strings, booleans, lists and dictionaries (string keys) to JSON nodes.</summary>
    public JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => Number(LabelRecord.Shortest(f)),
        double d => Number(d),
        IDictionary dictionary => Object(dictionary),
        IEnumerable sequence => new JsonArray(sequence.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>A number, or null (counted) when it is NaN or infinite.</summary>
    public JsonNode? Number(double value)
    {
        if (double.IsFinite(value))
        {
            return JsonValue.Create(value);
        }
        NonFinite++;
        return null;
    }

    private JsonObject Object(IDictionary dictionary)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            result[(string)entry.Key] = ToNode(entry.Value);
        }
        return result;
    }

    /// <summary>
    /// The JSON object of one input: <c>input</c>, then <c>error</c> or <c>frame_indices</c>/<c>labels</c> and the
    /// command's extra fields, then <c>warnings</c> when there are any (including the non-finite-value warning, which is
    /// also added to <paramref name="record"/>).
    /// </summary>
    public static JsonObject Record(InputRecord record)
    {
        var values = new JsonValues();
        var json = new JsonObject { ["input"] = record.Input };
        if (record.Error is not null)
        {
            json["error"] = record.Error;
        }
        if (record.FrameIndices is not null)
        {
            json["frame_indices"] = values.ToNode(record.FrameIndices);
        }
        if (record.Labels is not null)
        {
            json["labels"] = new JsonArray(record.Labels.Select(l => (JsonNode)values.Label(l)).ToArray());
        }
        foreach (var (key, value) in record.Extra)
        {
            json[key] = values.ToNode(value);
        }
        if (values.NonFinite > 0)
        {
            record.Warnings.Add(NonFiniteWarning(values.NonFinite));
        }
        if (record.Warnings.Count > 0)
        {
            json["warnings"] = new JsonArray(record.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
        }
        return json;
    }

    private JsonObject Label(LabelRecord label)
    {
        var json = new JsonObject { ["label"] = label.Label, ["index"] = label.Index, ["score"] = Number(label.Score) };
        if (label.Logit is double logit)
        {
            json["logit"] = Number(logit);
        }
        if (label.Prompt is not null)
        {
            json["prompt"] = label.Prompt;
        }
        return json;
    }
}

/// <summary>Serializes a floating-point value as a JSON number, or <c>null</c> when it is NaN or infinite (JSON has neither).</summary>
internal sealed class NonFiniteAsNull<T>(Func<T, double> toDouble, Action<Utf8JsonWriter, T> write) : System.Text.Json.Serialization.JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("the CLI only writes JSON");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (double.IsFinite(toDouble(value)))
        {
            write(writer, value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
