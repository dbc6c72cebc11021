using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpVL.Fuzz;

/// <summary>
/// Seeded mutations of file contents: byte-level (flips, interesting integers at any width and byte order, deletions,
/// duplications, splices, truncations, hostile text tokens) and, for JSON, structural (any value replaced by a boundary
/// number, NaN/∞, a huge or deeply nested value, a wrong type, or removed). The same seed gives the same inputs.
/// </summary>
public sealed class Mutator
{
    /// <summary>No mutation makes a file larger than this.</summary>
    public const int MaxBytes = 4 << 20;

    private static readonly long[] InterestingIntegers =
    [
        0, 1, -1, 2, 3, 7, 8, 16, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, uint.MaxValue, 1L << 32, (1L << 32) + 1,
        1L << 40, 1L << 53, 1L << 60, 1L << 62, long.MaxValue, long.MinValue, long.MaxValue - 7,
    ];

    private static readonly string[] InterestingTokens =
    [
        "NaN", "Infinity", "-Infinity", "-1", "0", "1e999", "-0", "9223372036854775808", "18446744073709551616", "1e9",
        "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "\u0000", "\n", "../", "%n", "\ud7ff", "\"\":",
    ];

    // Raw JSON that JsonNode cannot hold; written as placeholders and substituted after serialisation.
    private static readonly string[] RawJson =
    [
        "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "123456789012345678901234567890", "-0", "1e-400", "0.5", "-2147483649",
        "9223372036854775807", "18446744073709551615", "[" + string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 301)),
        "\"" + new string('a', 100_000) + "\"", "[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]", "\"\\ud800\"", "\"\\u0000\"",
    ];

    private readonly Random _random;

    /// <summary>A mutator drawing from a generator seeded with <paramref name="seed"/>.</summary>
    public Mutator(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>The generator, for callers that make their own choices in the same reproducible sequence.</summary>
    public Random Random => _random;

    /// <summary>Applies one to five mutations to <paramref name="input"/>; JSON inputs get structural mutations half the time.</summary>
    /// <param name="input">The bytes to mutate (not modified).</param>
    /// <param name="json">Whether the bytes are JSON text.</param>
    /// <param name="splice">Other inputs of the same kind, to splice from.</param>
    public byte[] Mutate(byte[] input, bool json, IReadOnlyList<byte[]> splice)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input;
        int rounds = 1 + (_random.Next(8) switch { < 4 => 0, < 6 => 1, 6 => 2, _ => 4 });
        for (int i = 0; i < rounds; i++)
        {
            bytes = json && _random.Next(2) == 0 && TryMutateJson(bytes) is { } structural ? structural : MutateBytes(bytes, splice);
        }
        return bytes.Length > MaxBytes ? bytes[..MaxBytes] : bytes;
    }

    /// <summary>One byte-level mutation.</summary>
    public byte[] MutateBytes(byte[] input, IReadOnlyList<byte[]> splice)
    {
        var data = new List<byte>(input);
        if (data.Count == 0)
        {
            data.AddRange(RandomBytes(1 + _random.Next(16)));
            return [.. data];
        }
        int at = _random.Next(data.Count);
        switch (_random.Next(11))
        {
            case 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[at] = (byte)_random.Next(256);
                break;
            case 2:
                data[at] = new byte[] { 0, 1, 0x7f, 0x80, 0xff, (byte)'0', (byte)'9', (byte)'-' }[_random.Next(8)];
                break;
            case 3:
                Overwrite(data, at, InterestingInteger());
                break;
            case 4:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(Math.Max(1, data.Count / 8))));
                break;
            case 5:
            {
                int length = Math.Min(data.Count - at, 1 + _random.Next(64));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            }
            case 6:
                data.RemoveRange(at, data.Count - at); // truncate
                break;
            case 7:
                if (splice.Count > 0 && splice[_random.Next(splice.Count)] is { Length: > 0 } other)
                {
                    int from = _random.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(from, Math.Min(other.Length - from, 4096)).ToArray());
                }
                break;
            case 8:
                data.InsertRange(at, Encoding.UTF8.GetBytes(InterestingTokens[_random.Next(InterestingTokens.Length)]));
                break;
            case 9:
                // Invalid UTF-8: a lone continuation byte, an overlong form, a truncated sequence.
                data.InsertRange(at, new[] { new byte[] { 0x80 }, [0xC0, 0xAF], [0xE2, 0x82], [0xFF, 0xFE] }[_random.Next(4)]);
                break;
            default:
                data.InsertRange(at, RandomBytes(1 + _random.Next(32)));
                break;
        }
        return [.. data];
    }

    /// <summary>One structural mutation of JSON text, or null when the text does not parse.</summary>
    public byte[]? TryMutateJson(byte[] input)
    {
        try
        {
            return MutateJson(input);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON (any more), or not JSON that JsonNode can hold (invalid UTF-8 in a string, duplicate keys).
            return null;
        }
    }

    private byte[]? MutateJson(byte[] input)
    {
        var root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 512 });
        if (root is null)
        {
            return null;
        }
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var raw = new Dictionary<string, string>();
        var target = nodes[_random.Next(nodes.Count)];
        var replacement = Replacement(target, raw);
        if (target == root)
        {
            root = replacement;
        }
        else if (target.Parent is JsonObject parent)
        {
            string key = target.GetPropertyName();
            if (_random.Next(6) == 0)
            {
                parent.Remove(key);
            }
            else
            {
                parent[key] = replacement;
            }
        }
        else if (target.Parent is JsonArray array)
        {
            int index = target.GetElementIndex();
            if (_random.Next(6) == 0)
            {
                array.RemoveAt(index);
            }
            else if (_random.Next(6) == 0)
            {
                array.Insert(index, replacement);
            }
            else
            {
                array[index] = replacement;
            }
        }
        string text = root?.ToJsonString(new JsonSerializerOptions { WriteIndented = _random.Next(2) == 0 }) ?? "null";
        foreach (var (marker, token) in raw)
        {
            text = text.Replace("\"" + marker + "\"", token, StringComparison.Ordinal);
        }
        return Encoding.UTF8.GetBytes(text);
    }

    private JsonNode? Replacement(JsonNode target, Dictionary<string, string> raw)
    {
        switch (_random.Next(9))
        {
            case 0:
            case 1:
                return JsonValue.Create(InterestingInteger());
            case 2:
            case 3:
            {
                string marker = $"@@raw{raw.Count}@@";
                raw[marker] = RawJson[_random.Next(RawJson.Length)];
                return JsonValue.Create(marker);
            }
            case 4:
                return null;
            case 5:
                return new[] { (JsonNode)JsonValue.Create(""), JsonValue.Create(true), new JsonArray(), new JsonObject(), JsonValue.Create(-0.5) }[_random.Next(5)];
            case 6:
                // The same value in a container (a number where a list is expected and the reverse).
                return target is JsonValue value ? new JsonArray(value.DeepClone()) : JsonValue.Create(target.ToJsonString());
            case 7:
                return target is JsonValue v && v.TryGetValue<long>(out var n) ? JsonValue.Create(n * -1 - 1) : JsonValue.Create(InterestingInteger());
            default:
                return JsonValue.Create(InterestingTokens[_random.Next(InterestingTokens.Length)]);
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
        else if (node is JsonArray array)
        {
            // Large arrays (vocabularies, merges) contribute a sample, so small fields keep a fair chance.
            for (int i = 0; i < array.Count; i += Math.Max(1, array.Count / 64))
            {
                if (array[i] is { } child)
                {
                    Collect(child, nodes);
                }
            }
        }
    }

    private long InterestingInteger()
    {
        long value = InterestingIntegers[_random.Next(InterestingIntegers.Length)];
        return _random.Next(4) == 0 ? value + _random.Next(-2, 3) : value;
    }

    private void Overwrite(List<byte> data, int at, long value)
    {
        int width = new[] { 1, 2, 4, 8 }[_random.Next(4)];
        Span<byte> bytes = stackalloc byte[8];
        if (_random.Next(4) == 0)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            bytes = bytes[(8 - width)..];
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            bytes = bytes[..width];
        }
        for (int i = 0; i < bytes.Length; i++)
        {
            if (at + i < data.Count)
            {
                data[at + i] = bytes[i];
            }
            else
            {
                data.Add(bytes[i]);
            }
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
