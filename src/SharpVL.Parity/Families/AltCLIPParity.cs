using System.Text.Json;
using SharpVL.Models.AltCLIP;
using SharpVL.Modeling;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the AltCLIP model cases, the CLIPImageProcessor cases and the XLM-R tokenizer case.</summary>
public static class AltCLIPParity
{
    private static readonly ModelLoadOptions Quiet = new() { Log = _ => { } };

    /// <summary>Adds the AltCLIP handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("model", nameof(AltCLIPModel), RunAltCLIPModel);
        registry.Register("model", nameof(AltCLIPTextModel), (c, m, inputs) =>
        {
            // The manifest's load = subconfig_and_prefix: text_config + the text_model.* weights, which FromPretrained does.
            using var model = AltCLIPTextModel.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["input_ids"], Optional(inputs, "attention_mask"), Optional(inputs, "token_type_ids"),
                Optional(inputs, "position_ids"), Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(AltCLIPVisionModel), (c, m, inputs) =>
        {
            using var model = AltCLIPVisionModel.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"),
                c.BoolArg("interpolate_pos_encoding") ?? false).Flatten());
        });
        registry.Register("processor", nameof(CLIPImageProcessor), (c, m, inputs) =>
        {
            var processor = CLIPImageProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
            var images = inputs["images"];
            var pixels = processor.PreprocessArray(images.cpu().data<byte>().ToArray(), images.shape, c.Args);
            return new HandlerResult().With([new("pixel_values", pixels.ToTensor())]);
        });
        registry.Register("tokenizer", "XLMRobertaTokenizer", (c, m, _) =>
        {
            var tokenizer = XlmRobertaTokenizer.FromPretrained(m.Resolve(c.GetString("tokenizer")!));
            var result = new HandlerResult();
            result.Comparisons.AddRange(CompareTokenizerCases(tokenizer, m.Resolve(c.GetString("cases")!)));
            return result;
        });
    }

    private static HandlerResult RunAltCLIPModel(FixtureCase c, FixtureManifest m, IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var model = AltCLIPModel.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
        var method = c.GetString("method") ?? "forward";
        return method switch
        {
            "forward" => new HandlerResult().With(model.Forward(
                inputs["input_ids"], inputs["pixel_values"], Optional(inputs, "attention_mask"), Optional(inputs, "position_ids"),
                Optional(inputs, "token_type_ids"), c.BoolArg("return_loss") ?? false, c.BoolArg("output_attentions"),
                c.BoolArg("output_hidden_states"), c.BoolArg("interpolate_pos_encoding") ?? false).Flatten()),
            "get_text_features" => new HandlerResult().With([new("output", model.GetTextFeatures(
                inputs["input_ids"], Optional(inputs, "attention_mask"), Optional(inputs, "position_ids"), Optional(inputs, "token_type_ids")))]),
            "get_image_features" => new HandlerResult().With([new("output", model.GetImageFeatures(
                inputs["pixel_values"], c.BoolArg("interpolate_pos_encoding") ?? false))]),
            _ => throw new NotSupportedException($"AltCLIPModel has no method '{method}'."),
        };
    }

    /// <summary>Compares ids and masks exactly, and tokens and decoded strings, for every sub-case of a tokenizer JSON file.</summary>
    internal static IEnumerable<TensorComparison> CompareTokenizerCases(XlmRobertaTokenizer tokenizer, string casesFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(casesFile));
        var comparisons = new List<TensorComparison>();
        foreach (var sub in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = sub.GetProperty("name").GetString()!;
            var textsElement = sub.GetProperty("texts");
            var single = textsElement.ValueKind == JsonValueKind.String;
            string[] texts = single ? [textsElement.GetString()!] : [.. textsElement.EnumerateArray().Select(t => t.GetString()!)];
            var encoding = tokenizer.Encode(texts, TokenizeOptions.FromPythonKwargs(sub.GetProperty("kwargs")));
            var expected = sub.GetProperty("expected");
            comparisons.Add(Exact($"{name}.input_ids", Rows(expected.GetProperty("input_ids"), single), encoding.InputIds));
            comparisons.Add(Exact($"{name}.attention_mask", Rows(expected.GetProperty("attention_mask"), single), encoding.AttentionMask));
            var tokens = encoding.InputIds.Select(row => string.Join("\u241f", tokenizer.ConvertIdsToTokens(row))).ToArray();
            var expectedTokens = sub.GetProperty("tokens").EnumerateArray()
                .Select(row => string.Join("\u241f", row.EnumerateArray().Select(t => t.GetString()))).ToArray();
            comparisons.Add(Strings($"{name}.tokens", expectedTokens, tokens));
            comparisons.Add(Strings($"{name}.decoded", Strings(sub.GetProperty("decoded")),
                [.. encoding.InputIds.Select(row => tokenizer.Decode(row))]));
            comparisons.Add(Strings($"{name}.decoded_skip_special_tokens", Strings(sub.GetProperty("decoded_skip_special_tokens")),
                [.. encoding.InputIds.Select(row => tokenizer.Decode(row, skipSpecialTokens: true))]));
        }
        return comparisons;
    }

    private static long[][] Rows(JsonElement element, bool single) => single
        ? [[.. element.EnumerateArray().Select(e => e.GetInt64())]]
        : [.. element.EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetInt64()).ToArray())];

    private static string[] Strings(JsonElement element) => [.. element.EnumerateArray().Select(e => e.GetString() ?? "")];

    private static TensorComparison Exact(string key, long[][] expected, long[][] got)
    {
        if (expected.Length != got.Length)
        {
            return new TensorComparison(key, false, double.NaN, double.NaN, $"{got.Length} rows, expected {expected.Length}");
        }
        for (var row = 0; row < expected.Length; row++)
        {
            if (!expected[row].SequenceEqual(got[row]))
            {
                return new TensorComparison(key, false, double.NaN, double.NaN,
                    $"row {row}: [{string.Join(", ", got[row])}] != expected [{string.Join(", ", expected[row])}]");
            }
        }
        return new TensorComparison(key, true, 0, 0);
    }

    private static TensorComparison Strings(string key, string[] expected, string[] got)
    {
        for (var row = 0; row < Math.Max(expected.Length, got.Length); row++)
        {
            var e = row < expected.Length ? expected[row] : "<none>";
            var g = row < got.Length ? got[row] : "<none>";
            if (!string.Equals(e, g, StringComparison.Ordinal))
            {
                return new TensorComparison(key, false, double.NaN, double.NaN, $"row {row}: '{g}' != expected '{e}'");
            }
        }
        return new TensorComparison(key, true, 0, 0);
    }

    private static Tensor? Optional(IReadOnlyDictionary<string, Tensor> inputs, string key)
        => inputs.TryGetValue(key, out var value) ? value : null;
}
