using System.Text.Json;
using SharpVL.Processing.Text;

namespace SharpVL.Tests.Text;

public class CLIPTokenizerTests
{
    private const string CasesFile = "clip_tokenizer.json";
    private static readonly Lazy<CLIPTokenizer> Tokenizer = new(() => CLIPTokenizer.FromPretrained(XClipDirectory));

    private static string XClipDirectory => TokenizerFixtures.ModelDirectory("xclip-tiny");

    public static IEnumerable<object[]> CaseNames => TokenizerFixtures.CaseNames(CasesFile);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTransformersFixture(string caseName)
    {
        var testCase = TokenizerFixtures.LoadCase(CasesFile, caseName);
        AssertMatchesCase(Tokenizer.Value, testCase);
    }

    [Fact]
    public void TokenizerJsonLoaderEqualsVocabAndMergesOnAllFixtureTexts()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-clip-");
        try
        {
            WriteTokenizerJson(XClipDirectory, Path.Combine(directory.FullName, "tokenizer.json"));
            File.Copy(Path.Combine(XClipDirectory, "tokenizer_config.json"), Path.Combine(directory.FullName, "tokenizer_config.json"));
            var fromJson = CLIPTokenizer.FromPretrained(directory.FullName);
            Assert.Equal(Tokenizer.Value.VocabSize, fromJson.VocabSize);
            Assert.Equal(77, fromJson.ModelMaxLength);
            foreach (var testCase in TokenizerFixtures.LoadCases(CasesFile))
            {
                AssertMatchesCase(fromJson, testCase);
            }
        }
        finally
        {
            directory.Delete(true);
        }
    }

    [Fact]
    public void SpecialTokenIdsAndLimits()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal(49406, tokenizer.BosTokenId);
        Assert.Equal(49407, tokenizer.EosTokenId);
        Assert.Equal(49407, tokenizer.PadTokenId);
        Assert.Equal(49408, tokenizer.VocabSize);
        Assert.Equal(77, tokenizer.ModelMaxLength);
    }

    [Fact]
    public void DivergentTextsFollowTheFastTokenizer()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TokenizerFixtures.FixturesRoot, "processors", CasesFile)));
        var checkedTexts = 0;
        foreach (var example in document.RootElement.GetProperty("not_tested_divergent_texts").EnumerateArray())
        {
            var expected = example.GetProperty("openai_simple_tokenizer_and_fast").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var ids = Tokenizer.Value.Encode(example.GetProperty("text").GetString()!, new TokenizeOptions { AddSpecialTokens = false });
            Assert.Equal(expected, ids.InputIds[0]);
            checkedTexts++;
        }

        Assert.True(checkedTexts >= 6);
    }

    [Fact]
    public void LetterOutsideTheBmpStaysInItsWord()
    {
        // U+10428 (Deseret small long i) is a letter: "a𐐨b" is ONE word for CLIP's \p{L}+, so BPE sees all bytes together.
        var tokenizer = Tokenizer.Value;
        var joined = tokenizer.Tokenize("a\U00010428b");
        Assert.EndsWith("</w>", joined[^1]);
        Assert.All(joined.Take(joined.Count - 1), token => Assert.DoesNotContain("</w>", token));
        Assert.Equal("a\U00010428b", tokenizer.Decode(tokenizer.Encode("a\U00010428b").InputIds[0], skipSpecialTokens: true));

        // The upper-case Deseret letter lowercases to it (Python's str.lower works on code points).
        Assert.Equal(tokenizer.Encode("a\U00010428b").InputIds[0], tokenizer.Encode("A\U00010400B").InputIds[0]);
    }

    [Fact]
    public void EmojiIsOneWordOfFourBytes()
    {
        var tokenizer = Tokenizer.Value;
        var ids = tokenizer.Encode("😀 smile", new TokenizeOptions { AddSpecialTokens = false }).InputIds[0];
        Assert.Equal(new long[] { 7334, 3490 }, ids);
        Assert.Equal(["ðŁĺĢ</w>", "smile</w>"], tokenizer.ConvertIdsToTokens(ids));
    }

    [Fact]
    public void DottedCapitalILowercasesLikePython()
    {
        // Python/Rust: 'İ'.lower() == 'i̇' (i + U+0307), not 'i'. U+0307 is a mark (not \p{L}), so the CLIP pattern
        // then splits the word into "i", U+0307, "stanbul".
        var tokenizer = Tokenizer.Value;
        var options = new TokenizeOptions { AddSpecialTokens = false };
        var dotted = tokenizer.Encode("İstanbul", options).InputIds[0];
        var explicitDotted = tokenizer.Encode("i\u0307stanbul", options).InputIds[0];
        Assert.Equal(explicitDotted, dotted);
        Assert.NotEqual(tokenizer.Encode("istanbul", options).InputIds[0], dotted);
        Assert.Equal("i \u0307 stanbul", tokenizer.Decode(dotted));
    }

    [Fact]
    public void FinalSigmaLowercasesLikePython()
    {
        // Python: 'ΟΔΟΣ ΣΑ'.lower() == 'οδος σα' (final ς only at the end of a word).
        var tokenizer = Tokenizer.Value;
        var options = new TokenizeOptions { AddSpecialTokens = false };
        Assert.Equal(tokenizer.Encode("οδος σα", options).InputIds[0], tokenizer.Encode("ΟΔΟΣ ΣΑ", options).InputIds[0]);
        Assert.Equal("οδος σα", tokenizer.Decode(tokenizer.Encode("ΟΔΟΣ ΣΑ", options).InputIds[0]));
    }

    [Fact]
    public void SpecialTokensInsideTextAreSingleTokens()
    {
        var ids = Tokenizer.Value.Encode("a cat<|endoftext|>dog", new TokenizeOptions { AddSpecialTokens = false }).InputIds[0];
        Assert.Equal(new long[] { 320, 2368, 49407, 1929 }, ids);
    }

    [Fact]
    public void VeryLongWordFinishes()
    {
        // 200k letters form one word: the merge loop must not be quadratic (Python's loop would take hours).
        var text = string.Concat(Enumerable.Repeat("abcdefghij", 20_000));
        var ids = Tokenizer.Value.Encode(text, new TokenizeOptions { AddSpecialTokens = false }).InputIds[0];
        Assert.Equal(text, Tokenizer.Value.Decode(ids));

        var truncated = Tokenizer.Value.Encode(text, new TokenizeOptions { Truncation = true });
        Assert.Equal(77, truncated.InputIds[0].Length);
        Assert.Equal(49407, truncated.InputIds[0][^1]);
    }

    [Fact]
    public void ToTensorsNeedsEqualLengths()
    {
        var ragged = Tokenizer.Value.Encode(["a cat", "a photo of a cat"], TokenizeOptions.Default);
        var error = Assert.Throws<InvalidOperationException>(() => ragged.ToTensors());
        Assert.Contains("padding", error.Message);

        var padded = Tokenizer.Value.Encode(["a cat", "a photo of a cat"], new TokenizeOptions { Padding = PaddingStrategy.Longest });
        var (ids, mask) = padded.ToTensors();
        using (ids)
        using (mask)
        {
            Assert.Equal(new long[] { 2, 7 }, ids.shape);
            Assert.Equal(new long[] { 49406, 320, 2368, 49407, 49407, 49407, 49407 }, ids[0].data<long>().ToArray());
            Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0, 0 }, mask[0].data<long>().ToArray());
        }
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-clip-empty-");
        try
        {
            var error = Assert.Throws<TokenizerException>(() => CLIPTokenizer.FromPretrained(directory.FullName));
            Assert.Contains("vocab.json", error.Message);
        }
        finally
        {
            directory.Delete(true);
        }
    }

    internal static void AssertMatchesCase(ITextTokenizer tokenizer, TokenizerCase testCase)
    {
        var options = TokenizeOptions.FromPythonKwargs(testCase.Kwargs);
        var encoding = tokenizer.Encode(testCase.Texts, options);
        Assert.Equal(testCase.InputIds, encoding.InputIds);
        Assert.Equal(testCase.AttentionMask, encoding.AttentionMask);
        for (var i = 0; i < testCase.Texts.Count; i++)
        {
            Assert.Equal(testCase.Tokens[i], tokenizer.ConvertIdsToTokens(encoding.InputIds[i]));
            Assert.Equal(testCase.Decoded[i], tokenizer.Decode(encoding.InputIds[i]));
            Assert.Equal(testCase.DecodedSkipSpecialTokens[i], tokenizer.Decode(encoding.InputIds[i], skipSpecialTokens: true));
        }

        Assert.Equal(testCase.Decoded, tokenizer.BatchDecode(encoding.InputIds));
    }

    // A tokenizer.json as `tokenizers` writes for CLIP, built from the fixture's vocab.json/merges.txt.
    private static void WriteTokenizerJson(string sourceDirectory, string path)
    {
        using var vocab = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(sourceDirectory, "vocab.json")));
        var merges = File.ReadAllText(Path.Combine(sourceDirectory, "merges.txt")).Trim().Split('\n').Skip(1).ToArray();
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteString("version", "1.0");
        writer.WriteStartArray("added_tokens");
        foreach (var (id, content) in new[] { (49406, "<|startoftext|>"), (49407, "<|endoftext|>") })
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("content", content);
            writer.WriteBoolean("special", true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("model");
        writer.WriteString("type", "BPE");
        writer.WriteString("continuing_subword_prefix", "");
        writer.WriteString("end_of_word_suffix", "</w>");
        writer.WriteString("unk_token", "<|endoftext|>");
        writer.WritePropertyName("vocab");
        vocab.RootElement.WriteTo(writer);
        writer.WriteStartArray("merges");
        foreach (var merge in merges)
        {
            writer.WriteStringValue(merge);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
