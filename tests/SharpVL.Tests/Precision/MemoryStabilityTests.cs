using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using static TorchSharp.torch;

namespace SharpVL.Tests.Precision;

/// <summary>Forwards release every intermediate: native memory stays flat over many calls.</summary>
public class MemoryStabilityTests
{

    private static Dictionary<string, Tensor> Inputs(string caseName)
    {
        using var file = SafeTensorsFile.Open(TestPaths.Fixture($"cases/{caseName}.inputs.safetensors"));
        return file.Keys.ToDictionary(k => k, file.ReadTensor);
    }

    private static long LiveTensorsAfter(int calls, Action forward)
    {
        for (var i = 0; i < 5; i++)
        {
            forward();
        }
        using var probe = NewDisposeScope();
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < calls; i++)
        {
            forward();
        }
        return TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }

    [Fact]
    public void RepeatedForwardsLeaveNoLiveTensors()
    {
        var videomae = Inputs("videomae_classification_labels");
        var xclip = Inputs("xclip_forward_2v3t");
        var altclip = Inputs("altclip_forward_2i3t");
        var tvlt = Inputs("tvlt_avclassification_labels");
        using var videomaeModel = VideoMAEForVideoClassification.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        using var xclipModel = XCLIPModel.FromPretrained(TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        using var altclipModel = AltCLIPModel.FromPretrained(TestPaths.Fixture("models/altclip-tiny"), ModelLoadOptions.Quiet);
        using var tvltModel = TvltForAudioVisualClassification.FromPretrained(TestPaths.Fixture("models/tvlt-tiny-avclassification"), ModelLoadOptions.Quiet);

        Assert.Equal(0, LiveTensorsAfter(100, () =>
        {
            using var output = videomaeModel.Forward(videomae["pixel_values"], labels: videomae["labels"], outputHiddenStates: true, outputAttentions: true);
        }));
        Assert.Equal(0, LiveTensorsAfter(100, () =>
        {
            using var output = xclipModel.Forward(xclip["input_ids"], xclip["pixel_values"], xclip["attention_mask"], outputHiddenStates: true, outputAttentions: true);
        }));
        Assert.Equal(0, LiveTensorsAfter(100, () =>
        {
            using var output = altclipModel.Forward(altclip["input_ids"], altclip["pixel_values"], altclip["attention_mask"], outputHiddenStates: true, outputAttentions: true);
        }));
        Assert.Equal(0, LiveTensorsAfter(100, () =>
        {
            using var output = tvltModel.Forward(tvlt["pixel_values"], tvlt["audio_values"], tvlt["pixel_mask"], tvlt["audio_mask"], tvlt["labels"], outputHiddenStates: true, outputAttentions: true);
        }));
    }
}
