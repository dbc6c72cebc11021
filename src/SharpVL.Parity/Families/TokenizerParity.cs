using System.Text.Json;
using SharpVL.Processing.Text;

namespace SharpVL.Parity.Families;

/// <summary>Runs the tokenizer cases: every sub-case's ids and masks exactly, and its tokens and decoded strings.</summary>
public static class TokenizerParity
{
    /// <summary>Adds the handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var className in new[] { "CLIPTokenizer", "XLMRobertaTokenizer" })
        {
            registry.Register("tokenizer", className, (c, m, _) =>
            {
                var tokenizer = TextTokenizers.FromPretrained(m.Resolve(c.GetString("tokenizer")!), className);
                using var document = JsonDocument.Parse(File.ReadAllText(m.Resolve(c.GetString("cases")!)));
                var result = new HandlerResult();
                foreach (var subCase in document.RootElement.GetProperty("cases").EnumerateArray())
                {
                    result.Comparisons.AddRange(RunSubCase(tokenizer, subCase));
                }
                return result;
            });
        }
    }

    private static IEnumerable<TensorComparison> RunSubCase(ITextTokenizer tokenizer, JsonElement subCase)
    {
        var name = subCase.GetProperty("name").GetString()!;
        var textsElement = subCase.GetProperty("texts");
        var single = textsElement.ValueKind == JsonValueKind.String;
        var texts = single ? [textsElement.GetString()!] : textsElement.EnumerateArray().Select(t => t.GetString()!).ToList();
        var options = TokenizeOptions.FromPythonKwargs(subCase.GetProperty("kwargs"));
        var encoding = tokenizer.Encode(texts, options);
        var expected = subCase.GetProperty("expected");
        yield return Exact($"{name}.input_ids", Rows(expected.GetProperty("input_ids"), single), encoding.InputIds);
        yield return Exact($"{name}.attention_mask", Rows(expected.GetProperty("attention_mask"), single), encoding.AttentionMask);
        if (subCase.TryGetProperty("tokens", out var tokens))
        {
            var got = encoding.InputIds.Select(ids => string.Join(" ", tokenizer.ConvertIdsToTokens(ids))).ToList();
            yield return Strings($"{name}.tokens", tokens.EnumerateArray().Select(r => string.Join(" ", r.EnumerateArray().Select(t => t.GetString()))).ToList(), got);
        }
        if (subCase.TryGetProperty("decoded", out var decoded))
        {
            yield return Strings($"{name}.decoded", decoded.EnumerateArray().Select(d => d.GetString()!).ToList(),
                encoding.InputIds.Select(ids => tokenizer.Decode(ids)).ToList());
        }
        if (subCase.TryGetProperty("decoded_skip_special_tokens", out var skipped))
        {
            yield return Strings($"{name}.decoded_skip_special_tokens", skipped.EnumerateArray().Select(d => d.GetString()!).ToList(),
                encoding.InputIds.Select(ids => tokenizer.Decode(ids, skipSpecialTokens: true)).ToList());
        }
    }

    private static long[][] Rows(JsonElement value, bool single)
        => single
            ? [value.EnumerateArray().Select(v => v.GetInt64()).ToArray()]
            : value.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();

    private static TensorComparison Exact(string key, long[][] expected, long[][] got)
    {
        var equal = expected.Length == got.Length && expected.Zip(got).All(p => p.First.SequenceEqual(p.Second));
        return new TensorComparison(key, equal, equal ? 0 : double.NaN, equal ? 0 : double.NaN,
            equal ? null : $"expected [{Format(expected)}], got [{Format(got)}]");
    }

    private static TensorComparison Strings(string key, IReadOnlyList<string> expected, IReadOnlyList<string> got)
    {
        var equal = expected.SequenceEqual(got);
        return new TensorComparison(key, equal, 0, 0, equal ? null : $"expected {JsonSerializer.Serialize(expected)}, got {JsonSerializer.Serialize(got)}");
    }

    private static string Format(long[][] rows) => string.Join("; ", rows.Select(r => string.Join(",", r)));
}
