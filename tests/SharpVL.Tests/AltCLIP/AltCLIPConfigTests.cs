using System.Text.Json;
using System.Text.Json.Nodes;
using SharpVL.Configuration;
using SharpVL.Models.AltCLIP;

namespace SharpVL.Tests.AltCLIP;

public class AltCLIPConfigTests
{
    private static readonly string ModelDir = TestPaths.Fixture("models/altclip-tiny");

    private static JsonObject FixtureJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(ModelDir, "config.json")))!.AsObject();

    [Fact]
    public void ReadsBothTowersFromTheFixture()
    {
        var config = AltCLIPConfig.FromPretrained(ModelDir);
        Assert.Equal(16, config.ProjectionDim);
        Assert.Equal(2.6592, config.LogitScaleInitValue);
        Assert.Equal(1002, config.TextConfig.VocabSize);
        Assert.Equal(24, config.TextConfig.ProjectDim);
        Assert.Equal(64, config.TextConfig.MaxPositionEmbeddings);
        Assert.Equal(1, config.TextConfig.PadTokenId);
        Assert.Equal(1e-5, config.TextConfig.LayerNormEps);
        Assert.Equal("gelu", config.TextConfig.HiddenAct);
        Assert.Equal(8, config.VisionConfig.PatchSize);
        Assert.Equal("quick_gelu", config.VisionConfig.HiddenAct);
        Assert.Equal("altclip_text_model", config.TextConfig.ModelType);
    }

    [Fact]
    public void TowerConfigsLoadFromTheCompositeDirectory()
    {
        Assert.Equal(24, AltCLIPTextConfig.FromPretrained(ModelDir).ProjectDim);
        Assert.Equal(32, AltCLIPVisionConfig.FromPretrained(ModelDir).ImageSize);
    }

    [Fact]
    public void RoundTripKeepsHubOnlyKeysSuchAsDirectKd()
    {
        var json = FixtureJson();
        json["direct_kd"] = false;
        json["num_layers"] = 3;
        json["text_config"]!["my_text_flag"] = "kept";
        var config = ConfigJson.Parse<AltCLIPConfig>(json.ToJsonString());
        Assert.Equal(JsonValueKind.False, config.ExtraFields["direct_kd"].ValueKind);

        var written = config.ToJson();
        var reread = ConfigJson.Parse<AltCLIPConfig>(written);
        Assert.Equal(JsonValueKind.False, reread.ExtraFields["direct_kd"].ValueKind);
        Assert.Equal(3, reread.ExtraFields["num_layers"].GetInt32());
        Assert.Equal("kept", reread.TextConfig.ExtraFields["my_text_flag"].GetString());
        Assert.Equal(24, reread.TextConfig.ProjectDim);
        Assert.Equal(16, reread.ProjectionDim);
        using var document = JsonDocument.Parse(written);
        Assert.Equal("altclip", document.RootElement.GetProperty("model_type").GetString());
        Assert.Equal("altclip_vision_model", document.RootElement.GetProperty("vision_config").GetProperty("model_type").GetString());
        Assert.False(document.RootElement.TryGetProperty("text_config_dict", out _));
    }

    [Fact]
    public void LegacyTextConfigDictWinsWithItsOwnDefaults()
    {
        // Transformers builds AltCLIPTextConfig(**text_config_dict).to_dict() and lets every key of it override
        // text_config, so keys the dict omits fall back to the class defaults (24 layers), not to text_config's.
        var json = JsonNode.Parse("""
            {"model_type": "altclip", "direct_kd": false,
             "text_config": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "only_in_text_config": 7},
             "text_config_dict": {"hidden_size": 48, "num_attention_heads": 6, "project_dim": 12},
             "vision_config_dict": {"hidden_size": 64, "num_attention_heads": 8, "patch_size": 14}}
            """)!.ToJsonString();
        var config = ConfigJson.Parse<AltCLIPConfig>(json);
        Assert.Equal(48, config.TextConfig.HiddenSize);
        Assert.Equal(12, config.TextConfig.ProjectDim);
        Assert.Equal(24, config.TextConfig.NumHiddenLayers);
        Assert.Equal(7, config.TextConfig.ExtraFields["only_in_text_config"].GetInt32());
        Assert.Equal(64, config.VisionConfig.HiddenSize);
        Assert.Equal(14, config.VisionConfig.PatchSize);
        Assert.Null(config.TextConfigDict);
        Assert.DoesNotContain("text_config_dict", config.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignSubConfigModelTypeIsIgnoredLikeTransformers()
    {
        var json = FixtureJson();
        json["text_config"]!["model_type"] = "xlm-roberta";
        var config = ConfigJson.Parse<AltCLIPConfig>(json.ToJsonString());
        Assert.Equal("altclip_text_model", config.TextConfig.ModelType);
    }

    [Fact]
    public void InvalidValuesAreErrorsNamingTheKey()
    {
        var json = FixtureJson();
        json["text_config"]!["num_attention_heads"] = 5;
        var heads = Assert.Throws<ConfigException>(() => ConfigJson.Parse<AltCLIPConfig>(json.ToJsonString()));
        Assert.Contains("'text_config.num_attention_heads' (5) must divide", heads.Message, StringComparison.Ordinal);
        Assert.Equal("text_config.num_attention_heads", heads.Field);

        var wrongType = Assert.Throws<ConfigException>(() => ConfigJson.Parse<AltCLIPConfig>("""{"model_type": "clip"}"""));
        Assert.Contains("'clip'", wrongType.Message, StringComparison.Ordinal);

        var relative = Assert.Throws<ConfigException>(
            () => ConfigJson.Parse<AltCLIPTextConfig>("""{"position_embedding_type": "relative_key"}"""));
        Assert.Contains("relative_key", relative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextConfigDefaultsAreTransformers()
    {
        var config = ConfigJson.Parse<AltCLIPTextConfig>("{}");
        Assert.Equal(250002, config.VocabSize);
        Assert.Equal(514, config.MaxPositionEmbeddings);
        Assert.Equal(768, config.ProjectDim);
        Assert.Equal((1L, 0L, 2L), (config.PadTokenId!.Value, config.BosTokenId!.Value, config.EosTokenId!.Value));
    }
}
