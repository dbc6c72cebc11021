using System.Text.Json;
using SharpVL.Configuration;
using SharpVL.Models.VideoMAE;

namespace SharpVL.Tests.Modeling;

public class ConfigTests
{
    private static string Model(string name) => TestPaths.Fixture("models/" + name);

    [Fact]
    public void ReadsTypedFieldsAndLabels()
    {
        var config = VideoMAEConfig.FromPretrained(Model("videomae-tiny-kinetics"));
        Assert.Equal(32, config.HiddenSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(5, config.NumLabels);
        Assert.Equal("eating spaghetti", config.Id2Label[0]);
        Assert.Equal(3, config.Label2Id!["dancing ballet"]);
        Assert.Equal(32, config.NumPatches);
    }

    [Fact]
    public void MissingKeysTakeTransformersDefaults()
    {
        var config = ConfigJson.Parse<VideoMAEConfig>("""{"model_type": "videomae"}""");
        Assert.Equal(768, config.HiddenSize);
        Assert.Equal(16, config.NumFrames);
        Assert.True(config.NormPixLoss);
        Assert.Equal(2, config.NumLabels);
        Assert.Equal("LABEL_1", config.LabelOf(1));
    }

    [Fact]
    public void UnknownKeysAreKeptAndWrittenBack()
    {
        var config = ConfigJson.Parse<VideoMAEConfig>("""{"model_type": "videomae", "my_custom_flag": [1, 2], "hidden_size": 64, "num_attention_heads": 4}""");
        using var written = JsonDocument.Parse(config.ToJson());
        Assert.Equal("[1,2]", written.RootElement.GetProperty("my_custom_flag").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.Equal(64, written.RootElement.GetProperty("hidden_size").GetInt32());
        var reread = ConfigJson.Parse<VideoMAEConfig>(config.ToJson());
        Assert.Equal(64, reread.HiddenSize);
        Assert.True(reread.ExtraFields.ContainsKey("my_custom_flag"));
    }

    [Fact]
    public void NumLabelsWithoutId2LabelMakesGenericLabels()
    {
        var config = ConfigJson.Parse<VideoMAEConfig>("""{"model_type": "videomae", "num_labels": 3}""");
        Assert.Equal(3, config.NumLabels);
        Assert.Equal("LABEL_2", config.Id2Label[2]);
    }

    [Fact]
    public void WrongModelTypeIsAClearError()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse<VideoMAEConfig>("""{"model_type": "xclip"}"""));
        Assert.Contains("xclip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongValueTypeNamesTheKey()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse<VideoMAEConfig>("""{"model_type": "videomae", "hidden_size": "big"}"""));
        Assert.Contains("hidden_size", error.Message, StringComparison.Ordinal);
    }
}
