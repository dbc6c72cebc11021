using System.Text.Json;
using SharpVL.Processing.Text;

namespace SharpVL.Tests.Text;

public class TokenizeOptionsTests
{
    private static readonly Lazy<CLIPTokenizer> Clip = new(() => CLIPTokenizer.FromPretrained(TokenizerFixtures.ModelDirectory("xclip-tiny")));

    [Theory]
    [InlineData("{}", PaddingStrategy.DoNotPad, null, null, true)]
    [InlineData("{\"padding\": true}", PaddingStrategy.Longest, null, null, true)]
    [InlineData("{\"padding\": \"longest\", \"truncation\": \"longest_first\"}", PaddingStrategy.Longest, true, null, true)]
    [InlineData("{\"padding\": \"max_length\", \"max_length\": 16}", PaddingStrategy.MaxLength, null, 16, true)]
    [InlineData("{\"padding\": false, \"truncation\": false, \"add_special_tokens\": false}", PaddingStrategy.DoNotPad, false, null, false)]
    [InlineData("{\"truncation\": \"do_not_truncate\", \"return_tensors\": \"pt\"}", PaddingStrategy.DoNotPad, false, null, true)]
    public void ParsesPythonKwargs(string json, PaddingStrategy padding, bool? truncation, int? maxLength, bool addSpecialTokens)
    {
        using var document = JsonDocument.Parse(json);
        var options = TokenizeOptions.FromPythonKwargs(document.RootElement);
        Assert.Equal(new TokenizeOptions { Padding = padding, Truncation = truncation, MaxLength = maxLength, AddSpecialTokens = addSpecialTokens }, options);
    }

    [Theory]
    [InlineData("{\"stride\": 2}", "stride")]
    [InlineData("{\"padding\": \"left\"}", "left")]
    [InlineData("{\"max_length\": -1}", "max_length")]
    [InlineData("[1]", "object")]
    public void RejectsWhatItCannotHonour(string json, string named)
    {
        using var document = JsonDocument.Parse(json);
        var error = Assert.Throws<ArgumentException>(() => TokenizeOptions.FromPythonKwargs(document.RootElement));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void MaxLengthWithoutPaddingOrTruncationTruncatesLike4271()
    {
        // transformers 4.27.1 switches truncation on ("longest_first") when only max_length is given.
        var ids = Clip.Value.Encode(["a photo of a cat"], new TokenizeOptions { MaxLength = 4 }).InputIds[0];
        Assert.Equal(new long[] { 49406, 320, 1125, 49407 }, ids);

        // ... but not when padding is requested: then max_length only pads, longer rows stay long.
        var padded = Clip.Value.Encode(["a photo of a cat", "a"], new TokenizeOptions { MaxLength = 4, Padding = PaddingStrategy.MaxLength });
        Assert.Equal(7, padded.InputIds[0].Length);
        Assert.Equal(new long[] { 49406, 320, 49407, 49407 }, padded.InputIds[1]);
        Assert.Equal(new long[] { 1, 1, 1, 0 }, padded.AttentionMask[1]);
    }

    [Fact]
    public void TruncationThatWouldRemoveEveryTokenKeepsThemLikePython()
    {
        // max_length 2 leaves no room next to <|startoftext|>/<|endoftext|>; Python logs an error and keeps the tokens.
        var ids = Clip.Value.Encode(["a cat"], new TokenizeOptions { MaxLength = 2, Truncation = true }).InputIds[0];
        Assert.Equal(new long[] { 49406, 320, 2368, 49407 }, ids);
    }

    [Fact]
    public void BatchEncodingRejectsMisalignedMask()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatchEncoding([[1, 2]], [[1]]));
        Assert.Contains("Row 0", error.Message);
    }

    [Theory]
    [InlineData("longest", PaddingStrategy.Longest)]
    [InlineData("max_length", PaddingStrategy.MaxLength)]
    [InlineData("do_not_pad", PaddingStrategy.DoNotPad)]
    public void PaddingStrategyFromPythonString(string value, PaddingStrategy expected)
        => Assert.Equal(expected, PaddingStrategies.FromPython(value));
}
