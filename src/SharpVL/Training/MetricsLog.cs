using System.Text;
using System.Text.Json;

namespace SharpVL.Training;

/// <summary>
/// Appends metric records to a JSON-lines file (<c>metrics.jsonl</c>), one object per line, flushed as written. JSON
/// has no NaN or infinity: such values are written as <c>null</c>, so every line stays valid JSON.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending (or truncates it when <paramref name="append"/> is false).</summary>
    public MetricsLog(string path, bool append)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _writer = new StreamWriter(path, append, new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>Writes one record: <c>{"type": type, name: value, ...}</c>.</summary>
    public void Write(string type, IReadOnlyDictionary<string, double?> values) => _writer.WriteLine(Format(type, values));

    /// <summary>One record as a line of JSON (non-finite numbers as null; whole numbers without a fraction).</summary>
    public static string Format(string type, IReadOnlyDictionary<string, double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            foreach (var (name, value) in values)
            {
                if (value is double v && double.IsFinite(v))
                {
                    if (v == Math.Floor(v) && Math.Abs(v) < 1e15)
                    {
                        json.WriteNumber(name, (long)v);
                    }
                    else
                    {
                        json.WriteNumber(name, v);
                    }
                }
                else
                {
                    json.WriteNull(name);
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
