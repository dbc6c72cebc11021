using System.Buffers.Binary;
using System.Text;
using SharpVL.Checkpoints;
using SharpVL.Configuration;
using SharpVL.Models.XCLIP;
using SharpVL.Processing;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using SharpVL.Tests.Audio;
using SharpVL.Tests.Checkpoints;

namespace SharpVL.Tests.Fuzzing;

/// <summary>
/// What the fuzz campaign found, one test each: every one gave a framework exception, a message that named no file,
/// or one that showed .NET internals or spanned lines, before it was fixed.
/// </summary>
public class FuzzFindingTests
{
    [Fact]
    public void AWavChunkSizeNear2To32IsAMediaErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        var wav = WavWriter.Build(1, 1, 16000, 16, WavWriter.Int16(1, 2, 3, 4));
        // A chunk before "data" claiming 0xFFFFFFF8 bytes: the walk must not wrap around.
        var hostile = new byte[wav.Length + 8];
        wav.AsSpan(0, 36).CopyTo(hostile);
        "JUNK"u8.CopyTo(hostile.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(hostile.AsSpan(40), 0xFFFFFFF8);
        wav.AsSpan(36).CopyTo(hostile.AsSpan(44));
        var path = dir.File("huge-chunk.wav");
        File.WriteAllBytes(path, hostile);

        var e = Assert.Throws<MediaException>(() => WavReader.Read(path));

        Assert.Equal($"'{path}': no data chunk.", e.Message);
    }

    [Fact]
    public void AnUnsupportedWavIsAMediaError()
    {
        var wav = Retag(WavWriter.Build(1, 1, 16000, 16, [1, 2]), 799);

        var e = Assert.Throws<MediaException>(() => WavReader.Parse(wav, "x.wav"));

        Assert.Equal("'x.wav': 799-bit PCM samples are not supported.", e.Message);
    }

    [Fact]
    public void ErrorsQuotingTheFilesTextStayOneLine()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRawSafeTensors("broken.safetensors", "{\"a\": tr\nue}", 0);

        var e = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(path));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"'{path}': safetensors header is not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("\"hidden_size\": \"big\"", "'hidden_size' has an invalid value: expected an integer")]
    [InlineData("\"layer_norm_eps\": \"small\"", "'layer_norm_eps' has an invalid value: expected a number")]
    [InlineData("\"model_type\": 7", "'model_type' has an invalid value: expected a string")]
    [InlineData("\"model_type\": \"\\ud800\"", "'model_type' has an invalid value")]
    public void ConfigValuesOfTheWrongKindAreNamedWithoutDotNetTypes(string member, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, "{" + member + "}");

        var e = Assert.Throws<ConfigException>(() => ConfigJson.Load<Models.VideoMAE.VideoMAEConfig>(path));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain("System.", e.Message);
    }

    [Fact]
    public void AConfigThatIsNotAnObjectIsAConfigError()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, "[1, 2]");

        var e = Assert.Throws<ConfigException>(() => XCLIPVisionConfig.FromPretrained(path));

        Assert.Contains("expected a JSON object, found a list", e.Message);
    }

    [Fact]
    public void ASubConfigWithADuplicateKeyIsAConfigError()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """{"model_type": "xclip", "text_config": {"model_type": "a", "model_type": "b"}}""");

        var e = Assert.Throws<ConfigException>(() => XCLIPConfig.FromPretrained(path));

        Assert.Contains("text_config", e.Message);
        Assert.Contains("has a key given twice", e.Message);
    }

    [Fact]
    public void APreprocessorConfigWithAnUnpairedSurrogateIsAConfigError()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("preprocessor_config.json"), """{"image_processor_type": "VideoMAEImageProcessor", "image_mean": ["\ud800", 1, 2]}""");

        var e = Assert.Throws<ConfigException>(() => VideoMAEImageProcessor.FromPretrained(dir.Path));

        Assert.Contains("preprocessor_config.json", e.Message);
        Assert.Contains("not valid Unicode", e.Message);
    }

    [Fact]
    public void TheImageProcessorLoaderNamesTheFileForAClassItDoesNotLoad()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("preprocessor_config.json"),
            File.ReadAllText(TestPaths.Fixture("models/tvlt-tiny/preprocessor_config.json")).Replace("\"TvltImageProcessor\"", "\"ViTImageProcessor\"", StringComparison.Ordinal));

        var e = Assert.Throws<ConfigException>(() => ImageProcessorLoader.FromPretrained(dir.Path));

        Assert.Contains("preprocessor_config.json", e.Message);
        Assert.Contains("'ViTImageProcessor'", e.Message);
    }

    [Fact]
    public void AnUnknownTokenizerClassNamesTheConfigFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"tokenizer_class": "XLMRobeLtaTokenizer"}""");

        var e = Assert.Throws<TokenizerException>(() => TextTokenizers.FromPretrained(dir.Path));

        Assert.StartsWith(dir.File("tokenizer_config.json") + ": tokenizer class 'XLMRobeLtaTokenizer' is not supported", e.Message);
    }

    [Fact]
    public void ATokenizerFileWithInvalidUtf8IsATokenizerErrorNamingIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer_config.json"), [.. Encoding.UTF8.GetBytes("{\"tokenizer_class\": \"CLIP"), 0xC3, 0x28, .. "\"}"u8.ToArray()]);

        var e = Assert.Throws<TokenizerException>(() => TextTokenizers.FromPretrained(dir.Path));

        Assert.Contains(dir.File("tokenizer_config.json"), e.Message);
        Assert.Contains("not valid UTF-8", e.Message);
    }

    private static byte[] Retag(byte[] wav, ushort bits)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(34), bits);
        return wav;
    }
}
