using System.Text.Json;
using SharpVL.Configuration;
using SharpVL.Models.XCLIP;

namespace SharpVL.Tests.XCLIP;

public class XCLIPConfigTests
{
    private static readonly string TinyDir = TestPaths.Fixture("models/xclip-tiny");

    [Fact]
    public void ReadsTheFixtureCompositeConfig()
    {
        var config = XCLIPConfig.FromPretrained(TinyDir);
        Assert.Equal(16, config.ProjectionDim);
        Assert.Equal(2, config.PromptLayers);
        Assert.Equal(4, config.PromptNumAttentionHeads);
        Assert.Equal(0.1, config.PromptAlpha);
        Assert.Equal(2.6592, config.LogitScaleInitValue);
        Assert.Equal(32, config.TextConfig.HiddenSize);
        Assert.Equal(37, config.TextConfig.IntermediateSize);
        Assert.Equal(49408, config.TextConfig.VocabSize);
        Assert.Equal(1, config.TextConfig.PadTokenId);
        Assert.Equal(4, config.VisionConfig.NumFrames);
        Assert.Equal(8, config.VisionConfig.PatchSize);
        Assert.Equal(16, config.VisionConfig.MitHiddenSize);
        Assert.Equal(40, config.VisionConfig.MitIntermediateSize);
        Assert.Equal("xclip_vision_model", config.VisionConfig.ModelType);
    }

    [Fact]
    public void SubConfigsLoadFromTheCompositeDirectory()
    {
        Assert.Equal(32, XCLIPTextConfig.FromPretrained(TinyDir).HiddenSize);
        Assert.Equal(4, XCLIPVisionConfig.FromPretrained(TinyDir).NumFrames);
    }

    [Fact]
    public void RoundTripKeepsTypedAndUnknownKeysAtBothLevels()
    {
        var config = XCLIPConfig.FromPretrained(TinyDir);
        var json = config.ToJson();
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            Assert.Equal("xclip", root.GetProperty("model_type").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("_commit_hash").ValueKind);
            var text = root.GetProperty("text_config");
            Assert.Equal("xclip_text_model", text.GetProperty("model_type").GetString());
            Assert.Equal(50, text.GetProperty("top_k").GetInt32());
            Assert.Equal(32, text.GetProperty("hidden_size").GetInt32());
            Assert.Equal(16, root.GetProperty("vision_config").GetProperty("mit_hidden_size").GetInt32());
        }
        var reread = ConfigJson.Parse<XCLIPConfig>(json);
        Assert.Equal(json, reread.ToJson());
        Assert.True(reread.TextConfig.ExtraFields.ContainsKey("top_k"));
    }

    [Fact]
    public void LegacyConfigDictsOverrideLikeTransformers427()
    {
        // 4.27.1 builds a full config from text_config_dict (defaults included) and lets every one of its keys win;
        // keys only text_config has survive.
        var config = ConfigJson.Parse<XCLIPConfig>("""
            {
              "model_type": "xclip",
              "text_config": {"hidden_size": 32, "num_attention_heads": 4, "vocab_size": 100, "my_extra": 7},
              "text_config_dict": {"hidden_size": 64, "num_attention_heads": 8},
              "vision_config_dict": {"num_frames": 16, "patch_size": 16}
            }
            """);
        Assert.Equal(64, config.TextConfig.HiddenSize);
        Assert.Equal(8, config.TextConfig.NumAttentionHeads);
        Assert.Equal(49408, config.TextConfig.VocabSize);
        Assert.Equal(7, config.TextConfig.ExtraFields["my_extra"].GetInt32());
        Assert.Equal(16, config.VisionConfig.NumFrames);
        Assert.Equal(16, config.VisionConfig.PatchSize);
        Assert.Equal(768, config.VisionConfig.HiddenSize);
        var saved = config.ToJson();
        Assert.DoesNotContain("text_config_dict", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("vision_config_dict", saved, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOrNullSubConfigsTakeDefaults()
    {
        var config = ConfigJson.Parse<XCLIPConfig>("""{"model_type": "xclip", "text_config": null}""");
        Assert.Equal(512, config.TextConfig.HiddenSize);
        Assert.Equal(77, config.TextConfig.MaxPositionEmbeddings);
        Assert.Equal(8, config.VisionConfig.NumFrames);
        Assert.Equal(32, config.VisionConfig.PatchSize);
        Assert.Equal(512, config.ProjectionDim);
    }

    [Fact]
    public void FromTextVisionConfigsCopiesTheSubConfigs()
    {
        var text = ConfigJson.Parse<XCLIPTextConfig>("""{"hidden_size": 64, "num_attention_heads": 4}""");
        var vision = ConfigJson.Parse<XCLIPVisionConfig>("""{"num_frames": 6}""");
        var config = XCLIPConfig.FromTextVisionConfigs(text, vision);
        text.HiddenSize = 128;
        Assert.Equal(64, config.TextConfig.HiddenSize);
        Assert.Equal(6, config.VisionConfig.NumFrames);
        Assert.Equal("xclip", config.ModelType);
    }

    [Fact]
    public void InconsistentSizesNameTheKeys()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse<XCLIPConfig>(
            """{"model_type": "xclip", "projection_dim": 30, "prompt_num_attention_heads": 4}"""));
        Assert.Contains("prompt_num_attention_heads", error.Message, StringComparison.Ordinal);
        // Transformers ignores a sub-config's own model_type (the composite decides the class), and so do we.
        var nested = ConfigJson.Parse<XCLIPConfig>("""{"model_type": "xclip", "text_config": {"model_type": "xclip_vision_model", "hidden_size": 64}}""");
        Assert.Equal(64, nested.TextConfig.HiddenSize);
        Assert.Equal("xclip_text_model", nested.TextConfig.ModelType);
    }
}
