using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.XCLIP;

namespace SharpVL.Tests.Modeling;

/// <summary>Every tower loads from its composite model's directory one way: its keys loaded, the other components' skipped quietly.</summary>
public class TowerLoadingTests
{
    public static TheoryData<string, string, string> Towers => new()
    {
        { "models/xclip-tiny", nameof(XCLIPTextModel), "text_model." },
        { "models/xclip-tiny", nameof(XCLIPVisionModel), "vision_model." },
        { "models/altclip-tiny", nameof(AltCLIPTextModel), "text_model." },
        { "models/altclip-tiny", nameof(AltCLIPVisionModel), "vision_model." },
    };

    [Theory]
    [MemberData(nameof(Towers))]
    public void ATowerLoadsFromTheCompositeCheckpointAndSkipsTheOtherComponents(string model, string tower, string keyPrefix)
    {
        var warnings = new List<string>();
        var options = new ModelLoadOptions { Logger = new CollectingLogger(warnings) };
        var directory = TestPaths.Fixture(model);
        using PreTrainedModel loaded = tower switch
        {
            nameof(XCLIPTextModel) => XCLIPTextModel.FromPretrained(directory, options),
            nameof(XCLIPVisionModel) => XCLIPVisionModel.FromPretrained(directory, options),
            nameof(AltCLIPTextModel) => AltCLIPTextModel.FromPretrained(directory, options),
            _ => AltCLIPVisionModel.FromPretrained(directory, options),
        };
        var report = loaded.LoadReport!;
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.Empty(warnings);
        Assert.NotEmpty(report.SkippedKeys);
        Assert.All(report.SkippedKeys, k => Assert.False(k.StartsWith(keyPrefix, StringComparison.Ordinal), k));
        Assert.Contains("logit_scale", report.SkippedKeys);
    }
}
