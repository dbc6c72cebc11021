using System.Text.Json;

namespace SharpVL.Tests.Text;

/// <summary>One sub-case of a tokenizer fixture file (processors/*_tokenizer.json).</summary>
internal sealed record TokenizerCase(
    string Name,
    IReadOnlyList<string> Texts,
    JsonElement Kwargs,
    long[][] InputIds,
    long[][] AttentionMask,
    string[][] Tokens,
    string[] Decoded,
    string[] DecodedSkipSpecialTokens);

/// <summary>Finds the fixtures and reads the tokenizer sub-cases.</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<string> Root = new(FindFixturesRoot);

    public static string FixturesRoot => Root.Value;

    public static string ModelDirectory(string name) => Path.Combine(FixturesRoot, "models", name);

    public static IEnumerable<object[]> CaseNames(string fileName)
        => LoadCases(fileName).Select(testCase => new object[] { testCase.Name });

    public static TokenizerCase LoadCase(string fileName, string name)
        => LoadCases(fileName).Single(testCase => testCase.Name == name);

    public static IReadOnlyList<TokenizerCase> LoadCases(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturesRoot, "processors", fileName)));
        var cases = new List<TokenizerCase>();
        foreach (var element in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var textsElement = element.GetProperty("texts");
            var single = textsElement.ValueKind == JsonValueKind.String;
            var texts = single ? [textsElement.GetString()!] : textsElement.EnumerateArray().Select(t => t.GetString()!).ToArray();
            var expected = element.GetProperty("expected");
            cases.Add(new TokenizerCase(
                element.GetProperty("name").GetString()!,
                texts,
                element.GetProperty("kwargs").Clone(),
                Rows(expected.GetProperty("input_ids"), single, e => e.GetInt64()),
                Rows(expected.GetProperty("attention_mask"), single, e => e.GetInt64()),
                Rows(element.GetProperty("tokens"), false, e => e.GetString()!),
                [.. element.GetProperty("decoded").EnumerateArray().Select(e => e.GetString()!)],
                [.. element.GetProperty("decoded_skip_special_tokens").EnumerateArray().Select(e => e.GetString()!)]));
        }

        return cases;
    }

    private static T[][] Rows<T>(JsonElement element, bool single, Func<JsonElement, T> read)
        => single
            ? [[.. element.EnumerateArray().Select(read)]]
            : [.. element.EnumerateArray().Select(row => row.EnumerateArray().Select(read).ToArray())];

    private static string FindFixturesRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No tests/fixtures/manifest.json above {AppContext.BaseDirectory}.");
    }
}
