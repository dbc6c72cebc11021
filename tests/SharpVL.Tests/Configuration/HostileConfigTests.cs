using System.Text.Json.Nodes;
using SharpVL.Configuration;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Modeling;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Tests.Checkpoints;

namespace SharpVL.Tests.Configuration;

/// <summary>
/// Every dimension of every family's config is checked when the config is read and again before a model is built:
/// a zero, negative, absurd or indivisible value is a <see cref="ConfigException"/> naming the file and the field,
/// never a DivideByZeroException, a libtorch error, an overflow or unbounded memory.
/// </summary>
public class HostileConfigTests
{

    private static readonly Dictionary<string, Func<string, object>> Loaders = new()
    {
        ["videomae-tiny-kinetics"] = dir => VideoMAEForVideoClassification.FromPretrained(dir, ModelLoadOptions.Quiet),
        ["tvlt-tiny-avclassification"] = dir => TvltForAudioVisualClassification.FromPretrained(dir, ModelLoadOptions.Quiet),
        ["xclip-tiny"] = dir => XCLIPModel.FromPretrained(dir, ModelLoadOptions.Quiet),
        ["altclip-tiny"] = dir => AltCLIPModel.FromPretrained(dir, ModelLoadOptions.Quiet),
    };

    /// <summary>A copy of a fixture model directory whose config.json has <paramref name="field"/> (dotted) set to <paramref name="json"/>.</summary>
    private static string CopyWithConfig(TempDirectory dir, string model, string field, string json, params string[] remove)
    {
        var source = TestPaths.Fixture($"models/{model}");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        foreach (var key in remove)
        {
            config.Remove(key);
        }
        var parts = field.Split('.');
        var target = config;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }
        var text = config.ToJsonString();
        // Raw replacement keeps literals System.Text.Json would not write (1e9, NaN).
        target[parts[^1]] = "__VALUE__";
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), config.ToJsonString().Replace("\"__VALUE__\"", json, StringComparison.Ordinal));
        Assert.NotEqual(text, File.ReadAllText(Path.Combine(dir.Path, "config.json")));
        return dir.Path;
    }

    public static TheoryData<string, string, string> HostileFields => new()
    {
        // The measured cases.
        { "videomae-tiny-kinetics", "num_attention_heads", "0" },
        { "videomae-tiny-kinetics", "patch_size", "0" },
        { "videomae-tiny-kinetics", "tubelet_size", "0" },
        { "videomae-tiny-kinetics", "hidden_size", "-32" },
        { "videomae-tiny-kinetics", "hidden_size", "1e9" },
        { "videomae-tiny-kinetics", "hidden_size", "1000000000" },
        { "videomae-tiny-kinetics", "intermediate_size", "-37" },
        { "videomae-tiny-kinetics", "num_channels", "0" },
        { "videomae-tiny-kinetics", "num_hidden_layers", "1000000" },
        // The same classes elsewhere.
        { "videomae-tiny-kinetics", "patch_size", "7" },
        { "videomae-tiny-kinetics", "tubelet_size", "3" },
        { "videomae-tiny-kinetics", "num_frames", "-4" },
        { "videomae-tiny-kinetics", "image_size", "2147483647" },
        { "videomae-tiny-kinetics", "layer_norm_eps", "0" },
        { "videomae-tiny-kinetics", "hidden_dropout_prob", "1.5" },
        { "videomae-tiny-kinetics", "hidden_act", "\"softmax\"" },
        { "videomae-tiny-kinetics", "decoder_num_attention_heads", "0" },
        { "tvlt-tiny-avclassification", "num_attention_heads", "0" },
        { "tvlt-tiny-avclassification", "image_patch_size", "[0, 16]" },
        { "tvlt-tiny-avclassification", "audio_patch_size", "[16]" },
        { "tvlt-tiny-avclassification", "hidden_size", "-32" },
        { "tvlt-tiny-avclassification", "num_image_channels", "0" },
        { "tvlt-tiny-avclassification", "spectrogram_length", "0" },
        { "tvlt-tiny-avclassification", "num_hidden_layers", "1000000" },
        { "tvlt-tiny-avclassification", "decoder_hidden_size", "0" },
        { "xclip-tiny", "text_config.hidden_size", "-32" },
        { "xclip-tiny", "text_config.vocab_size", "0" },
        { "xclip-tiny", "vision_config.patch_size", "0" },
        { "xclip-tiny", "vision_config.num_channels", "0" },
        { "xclip-tiny", "vision_config.mit_num_attention_heads", "0" },
        { "xclip-tiny", "vision_config.num_hidden_layers", "1000000" },
        { "xclip-tiny", "projection_dim", "-1" },
        { "altclip-tiny", "text_config.intermediate_size", "-1" },
        { "altclip-tiny", "text_config.num_attention_heads", "0" },
        { "altclip-tiny", "vision_config.num_channels", "0" },
        { "altclip-tiny", "vision_config.hidden_size", "1000000000" },
        { "altclip-tiny", "vision_config.layer_norm_eps", "-1" },
    };

    [Theory]
    [MemberData(nameof(HostileFields))]
    public void HostileFieldsAreRefusedNamingTheFileAndTheField(string model, string field, string value)
    {
        using var dir = new TempDirectory();
        var path = CopyWithConfig(dir, model, field, value);
        var error = Assert.Throws<ConfigException>(() => Loaders[model](path));
        var configPath = Path.Combine(path, "config.json");
        Assert.Contains(configPath, error.Message);
        Assert.Equal(field, error.Field);
        Assert.Contains($"'{field}'", error.Message);
        Assert.Equal(configPath, error.FilePath);
    }

    [Theory]
    [InlineData("videomae-tiny-kinetics")]
    [InlineData("tvlt-tiny-avclassification")]
    public void NegativeNumLabelsIsRefusedNamingTheField(string model)
    {
        using var dir = new TempDirectory();
        var path = CopyWithConfig(dir, model, "num_labels", "-1", "id2label", "label2id");
        var error = Assert.Throws<ConfigException>(() => Loaders[model](path));
        Assert.Equal("num_labels", error.Field);
        Assert.Contains(Path.Combine(path, "config.json"), error.Message);
    }

    [Fact]
    public void ModelsLargerThanMemoryAreRefusedBeforeAnyModuleIsBuilt()
    {
        // Every field within its limit, together ~2^44 parameters: 64 TiB in float32.
        var config = ConfigJson.Parse<VideoMAEConfig>(
            """{"hidden_size": 65536, "num_attention_heads": 64, "intermediate_size": 131072, "num_hidden_layers": 1024}""", "huge.json");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ConfigException>(() => new VideoMAEModel(config));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("huge.json", error.Message);
        Assert.Contains("memory available", error.Message);
        Assert.True(config.EstimateParameterCount() > 1L << 44);
    }

    [Fact]
    public void ConfigsBuiltInCodeAreValidatedBeforeTheModelIsBuilt()
    {
        var config = new VideoMAEConfig { NumAttentionHeads = 0 };
        var error = Assert.Throws<ConfigException>(() => new VideoMAEModel(config));
        Assert.Equal("num_attention_heads", error.Field);
        Assert.Contains("VideoMAEConfig (built in code)", error.Message);

        var xclip = XCLIPConfig.FromPretrained(TestPaths.Fixture("models/xclip-tiny"));
        xclip.VisionConfig.PatchSize = -1;
        Assert.Equal("vision_config.patch_size", Assert.Throws<ConfigException>(xclip.Validate).Field);
    }

    [Fact]
    public void FixtureConfigsEstimateTheirRealParameterCountFromBelow()
    {
        foreach (var (model, load) in Loaders)
        {
            using var built = (PreTrainedModel)load(TestPaths.Fixture($"models/{model}"));
            // VideoMAE's sinusoid table is a non-persistent buffer, which buffers() does not list.
            var table = built is VideoMAEPreTrainedModel videomae ? (long)videomae.Config.NumPatches * videomae.Config.HiddenSize : 0;
            var actual = built.parameters().Sum(p => p.numel()) + built.buffers().Sum(b => b.numel()) + table;
            var estimate = built.GenericConfig.EstimateParameterCount();
            Assert.True(estimate <= actual && estimate >= actual / 4, $"{model}: estimated {estimate}, built {actual}");
        }
    }

    [Fact]
    public void SubConfigTypeErrorsNameTheFileAndTheFullFieldPath()
    {
        using var dir = new TempDirectory();
        var path = CopyWithConfig(dir, "xclip-tiny", "text_config.hidden_size", "\"big\"");
        var error = Assert.Throws<ConfigException>(() => XCLIPConfig.FromPretrained(path));
        Assert.Equal("text_config.hidden_size", error.Field);
        Assert.Contains(Path.Combine(path, "config.json"), error.Message);
    }

    public static TheoryData<string, string, string> HostilePreprocessorFields => new()
    {
        { "videomae-tiny-kinetics", "crop_size", "100000" },
        { "videomae-tiny-kinetics", "crop_size", """{"height": 100000, "width": 100000}""" },
        { "videomae-tiny-kinetics", "size", """{"shortest_edge": 0}""" },
        { "videomae-tiny-kinetics", "image_std", "[0.5, 0, 0.5]" },
        { "videomae-tiny-kinetics", "image_mean", "[0.5, 0.5]" },
        { "videomae-tiny-kinetics", "rescale_factor", "1e400" },
        { "tvlt-tiny-avclassification", "num_frames", "-8" },
        { "tvlt-tiny-avclassification", "patch_size", "[\"a\", 16]" },
    };

    [Theory]
    [MemberData(nameof(HostilePreprocessorFields))]
    public void HostilePreprocessorFieldsAreRefusedNamingTheFileAndTheField(string model, string field, string value)
    {
        using var dir = new TempDirectory();
        var source = TestPaths.Fixture($"models/{model}/preprocessor_config.json");
        var config = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        config[field] = "__VALUE__";
        var path = Path.Combine(dir.Path, "preprocessor_config.json");
        File.WriteAllText(path, config.ToJsonString().Replace("\"__VALUE__\"", value, StringComparison.Ordinal));

        var error = Assert.Throws<ConfigException>(() =>
        {
            if (model.StartsWith("tvlt", StringComparison.Ordinal))
            {
                TvltImageProcessor.FromPretrained(dir.Path);
            }
            else
            {
                VideoMAEImageProcessor.FromPretrained(dir.Path);
            }
        });
        Assert.Contains(path, error.Message);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("n_fft", "2147483647")]
    [InlineData("patch_size", "[16, \"x\"]")]
    [InlineData("sampling_rate", "0")]
    [InlineData("hop_length_to_sampling_rate", "100000")]
    public void HostileFeatureExtractorFieldsAreRefused(string field, string value)
    {
        using var dir = new TempDirectory();
        var config = JsonNode.Parse(File.ReadAllText(TestPaths.Fixture("models/tvlt-tiny-avclassification/preprocessor_config.json")))!.AsObject();
        config[field] = "__VALUE__";
        var path = Path.Combine(dir.Path, "preprocessor_config.json");
        File.WriteAllText(path, config.ToJsonString().Replace("\"__VALUE__\"", value, StringComparison.Ordinal));
        var error = Assert.Throws<ConfigException>(() => TvltFeatureExtractor.FromPretrained(dir.Path));
        Assert.Contains(path, error.Message);
        Assert.Equal(field, error.Field);
    }
}
