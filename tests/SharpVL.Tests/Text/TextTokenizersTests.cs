using SharpVL.Processing.Text;

namespace SharpVL.Tests.Text;

public class TextTokenizersTests
{
    [Theory]
    [InlineData("xclip-tiny", typeof(CLIPTokenizer))]
    [InlineData("altclip-tiny", typeof(XLMRobertaTokenizer))]
    public void PicksTheClassFromTokenizerConfig(string model, Type expected)
        => Assert.IsType(expected, TextTokenizers.FromPretrained(TokenizerFixtures.ModelDirectory(model)));

    [Fact]
    public void RejectsUnknownClass()
    {
        var error = Assert.Throws<TokenizerException>(
            () => TextTokenizers.FromPretrained(TokenizerFixtures.ModelDirectory("xclip-tiny"), "BertTokenizer"));
        Assert.Contains("BertTokenizer", error.Message);
    }

    [Fact]
    public void ConcurrentEncodingGivesSequentialResults()
    {
        // Two fresh tokenizers, so that the parallel run fills its BPE cache concurrently.
        var shared = TextTokenizers.FromPretrained(TokenizerFixtures.ModelDirectory("xclip-tiny"));
        var reference = TextTokenizers.FromPretrained(TokenizerFixtures.ModelDirectory("xclip-tiny"));
        var texts = Enumerable.Range(0, 2_000).Select(i => $"caption number {i} with a dog{i % 37} and café {i * 7}").ToArray();
        var parallel = new long[texts.Length][];
        Parallel.For(0, texts.Length, i => parallel[i] = shared.Encode([texts[i]], TokenizeOptions.Default).InputIds[0]);
        var sequential = texts.Select(text => reference.Encode([text], TokenizeOptions.Default).InputIds[0]).ToArray();
        Assert.Equal(sequential, parallel);
    }
}
