using SharpVL.Processing.Text;

namespace SharpVL.Tests.Text;

public class XLMRobertaTokenizerTests
{
    private const string CasesFile = "xlmr_tokenizer.json";
    private static readonly Lazy<XLMRobertaTokenizer> Tokenizer = new(() => XLMRobertaTokenizer.FromPretrained(AltClipDirectory));

    private static string AltClipDirectory => TokenizerFixtures.ModelDirectory("altclip-tiny");

    public static IEnumerable<object[]> CaseNames => TokenizerFixtures.CaseNames(CasesFile);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTransformersFixture(string caseName)
        => CLIPTokenizerTests.AssertMatchesCase(Tokenizer.Value, TokenizerFixtures.LoadCase(CasesFile, caseName));

    [Fact]
    public void FairseqLayoutAndLimits()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal(1002, tokenizer.VocabSize);
        Assert.Equal(62, tokenizer.ModelMaxLength);
        Assert.Equal((0L, 2L, 1L, 3L, 1001L), (tokenizer.BosTokenId, tokenizer.EosTokenId, tokenizer.PadTokenId, tokenizer.UnkTokenId, tokenizer.MaskTokenId));
        Assert.Equal(["<s>", "<pad>", "</s>", "<unk>", "▁", "<mask>"], tokenizer.ConvertIdsToTokens([0, 1, 2, 3, 4, 1001]));
        Assert.Equal(new long[] { 0, 1, 2, 3, 1001 }, tokenizer.AllSpecialIds.Order());
    }

    [Fact]
    public void RunOfUnknownCharactersIsOneUnk()
    {
        // Three emoji in a row: SentencePiece fuses the unknown run into ONE <unk> (3), after the "▁" piece (4).
        var options = new TokenizeOptions { AddSpecialTokens = false };
        Assert.Equal(new long[] { 4, 3 }, Tokenizer.Value.Encode("🎸🎸🎸", options).InputIds[0]);
        Assert.Equal(["▁", "🎸🎸🎸"], Tokenizer.Value.Tokenize("🎸🎸🎸"));
        // Separated by a space they stay separate unknowns.
        Assert.Equal(new long[] { 4, 3, 4, 3 }, Tokenizer.Value.Encode("🎸 🎸", options).InputIds[0]);
    }

    [Fact]
    public void SpecialTokensInTextStripWhitespaceLikeTransformers()
    {
        var tokenizer = Tokenizer.Value;
        var options = new TokenizeOptions { AddSpecialTokens = false };
        // <mask> only eats the space on its left; plain-string specials (<s>, </s>) eat both sides.
        Assert.Equal(["▁a", "<mask>", "▁a"], tokenizer.Tokenize("a <mask> a"));
        Assert.Equal(["▁a", "</s>", "▁a"], tokenizer.Tokenize("a </s>a"));
        Assert.Equal(new long[] { 15, 2, 15 }, tokenizer.Encode("a   </s>   a", options).InputIds[0]);
    }

    [Fact]
    public void WhitespaceOnlyTextGivesOnlySpecialTokens()
        => Assert.Equal(new long[] { 0, 2 }, Tokenizer.Value.Encode("  \t ").InputIds[0]);

    [Fact]
    public void TokenizerJsonLoaderEqualsSentencePieceModelOnAllFixtureTexts()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-xlmr-");
        try
        {
            SentencePieceToTokenizerJson.Write(
                Path.Combine(AltClipDirectory, "sentencepiece.bpe.model"), Path.Combine(directory.FullName, "tokenizer.json"));
            File.Copy(Path.Combine(AltClipDirectory, "tokenizer_config.json"), Path.Combine(directory.FullName, "tokenizer_config.json"));
            var fromJson = XLMRobertaTokenizer.FromPretrained(directory.FullName);
            Assert.Equal(1002, fromJson.VocabSize);
            foreach (var testCase in TokenizerFixtures.LoadCases(CasesFile))
            {
                CLIPTokenizerTests.AssertMatchesCase(fromJson, testCase);
            }
        }
        finally
        {
            directory.Delete(true);
        }
    }

    [Fact]
    public void LongInputFinishes()
    {
        // 5,000 space-separated copies (~240k characters): each copy segments exactly like the sentence alone,
        // because the separating space plays the role of the dummy "▁" prefix.
        const string sentence = "Ein Hund spielt im Garten. 一只猫在沙发上睡觉。";
        var options = new TokenizeOptions { AddSpecialTokens = false };
        var single = Tokenizer.Value.Encode(sentence, options).InputIds[0];
        var text = string.Join(" ", Enumerable.Repeat(sentence, 5_000));
        var ids = Tokenizer.Value.Encode(text, options).InputIds[0];
        Assert.Equal(Enumerable.Repeat(single, 5_000).SelectMany(row => row), ids);

        var truncated = Tokenizer.Value.Encode(text, new TokenizeOptions { Truncation = true }).InputIds[0];
        Assert.Equal(62, truncated.Length);
        Assert.Equal(2, truncated[^1]);
    }

    [Fact]
    public void CorruptModelIsReportedWithItsPath()
    {
        var directory = TestScratch.CreateDirectory("sharpvl-xlmr-bad-");
        try
        {
            var path = Path.Combine(directory.FullName, "sentencepiece.bpe.model");
            File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0x01]);
            var error = Assert.Throws<TokenizerException>(() => XLMRobertaTokenizer.FromPretrained(directory.FullName));
            Assert.Contains(path, error.Message);

            File.Delete(path);
            Assert.Contains("sentencepiece.bpe.model", Assert.Throws<TokenizerException>(() => XLMRobertaTokenizer.FromPretrained(directory.FullName)).Message);
        }
        finally
        {
            directory.Delete(true);
        }
    }
}
