using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Tests.Modeling;

/// <summary>
/// Every model places its inputs on its own device and dtype through one rule (<see cref="PreTrainedModel.PlaceInput"/>).
/// The rule is checked against a model on the <c>meta</c> device (runs on any machine); each family's entry points are
/// checked to route every tensor they receive through it (a CPU input reaching a CUDA model's layers unmoved would fail).
/// </summary>
public class InputPlacementTests
{

    [Fact]
    public void TheRuleMovesInputsToTheModelsDeviceAndFloatsToItsDType()
    {
        using var model = VideoMAEForVideoClassification.FromPretrained(
            TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet with { Device = "meta", DType = ScalarType.BFloat16 });
        using var pixels = zeros(new long[] { 1, 2 }, dtype: ScalarType.Float64);
        using var ids = zeros(new long[] { 1, 2 }, dtype: ScalarType.Int64);
        using var mask = zeros(new long[] { 1, 2 }, dtype: ScalarType.Bool);
        using var placedPixels = model.PlaceInput(pixels);
        using var placedIds = model.PlaceInput(ids);
        using var placedMask = model.PlaceInput(mask);
        Assert.Equal(DeviceType.META, model.Device.type);
        Assert.All([placedPixels, placedIds, placedMask], t => Assert.Equal(DeviceType.META, t.device_type));
        Assert.Equal(ScalarType.BFloat16, placedPixels.dtype);
        Assert.Equal(ScalarType.Int64, placedIds.dtype);
        Assert.Equal(ScalarType.Bool, placedMask.dtype);
    }

    [Fact]
    public void VideoMAEPlacesEveryInput()
    {
        using var model = VideoMAEForVideoClassification.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        var config = model.Config;
        using var pixels = zeros(new long[] { 1, config.NumFrames, config.NumChannels, config.ImageSize, config.ImageSize }, dtype: ScalarType.Float64);
        using var headMask = ones(new long[] { config.NumAttentionHeads });
        AssertEveryInputPlaced([pixels, headMask], () => model.Forward(pixels, headMask).Dispose());
    }

    [Fact]
    public void VideoMAEPreTrainingPlacesEveryInput()
    {
        using var model = VideoMAEForPreTraining.FromPretrained(TestPaths.Fixture("models/videomae-tiny"), ModelLoadOptions.Quiet);
        var config = model.Config;
        using var pixels = zeros(new long[] { 1, config.NumFrames, config.NumChannels, config.ImageSize, config.ImageSize });
        var tokens = config.NumFrames / config.TubeletSize * (config.ImageSize / config.PatchSize) * (config.ImageSize / config.PatchSize);
        using var masked = arange(tokens).lt(tokens / 2).unsqueeze(0);
        AssertEveryInputPlaced([pixels, masked], () => model.Forward(pixels, masked).Dispose());
    }

    [Fact]
    public void XCLIPPlacesEveryInput()
    {
        using var model = XCLIPModel.FromPretrained(TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        var vision = model.Config.VisionConfig;
        using var pixels = zeros(new long[] { 2, vision.NumFrames, vision.NumChannels, vision.ImageSize, vision.ImageSize });
        using var ids = tensor(new long[,] { { 0, 5, 7, 9 }, { 0, 6, 9, 1 }, { 0, 4, 9, 1 } });
        using var mask = ones(new long[] { 3, 4 }, dtype: ScalarType.Int64);
        AssertEveryInputPlaced([pixels, ids, mask], () => model.Forward(ids, pixels, mask).Dispose());
        using var textFeatures = model.GetTextFeatures(ids, mask);
        AssertEveryInputPlaced([textFeatures], () =>
        {
            using var videos = model.EncodeVideos(pixels);
            model.ScoreVideos(videos, textFeatures).Dispose();
        });
    }

    [Fact]
    public void AltCLIPPlacesEveryInput()
    {
        using var model = AltCLIPModel.FromPretrained(TestPaths.Fixture("models/altclip-tiny"), ModelLoadOptions.Quiet);
        var vision = model.Config.VisionConfig;
        using var pixels = zeros(new long[] { 2, vision.NumChannels, vision.ImageSize, vision.ImageSize }, dtype: ScalarType.Float64);
        using var ids = tensor(new long[,] { { 0, 5, 7, 2 } });
        using var mask = ones(new long[] { 1, 4 }, dtype: ScalarType.Int64);
        AssertEveryInputPlaced([pixels, ids, mask], () => model.Forward(ids, pixels, mask).Dispose());
    }

    [Fact]
    public void TvltPlacesEveryInput()
    {
        using var model = TvltForAudioVisualClassification.FromPretrained(TestPaths.Fixture("models/tvlt-tiny-avclassification"), ModelLoadOptions.Quiet);
        var config = model.Config;
        var audioPatch = config.AudioPatchSize;
        var pixelTokens = config.NumFrames * (config.ImageSize / config.ImagePatchSize[0]) * (config.ImageSize / config.ImagePatchSize[1]);
        var audioTokens = 4 * (config.FrequencyLength / audioPatch[1]);
        using var pixels = zeros(new long[] { 1, config.NumFrames, config.NumImageChannels, config.ImageSize, config.ImageSize });
        using var audio = zeros(new long[] { 1, config.NumAudioChannels, 4 * audioPatch[0], config.FrequencyLength });
        using var pixelMask = ones(new long[] { 1, pixelTokens }, dtype: ScalarType.Int64);
        using var audioMask = ones(new long[] { 1, audioTokens }, dtype: ScalarType.Int64);
        AssertEveryInputPlaced([pixels, audio, pixelMask, audioMask], () => model.Forward(pixels, audio, pixelMask, audioMask).Dispose());
    }

    private static void AssertEveryInputPlaced(Tensor[] inputs, Action forward)
    {
        var placed = new List<Tensor>();
        PreTrainedModel.InputPlaced = placed.Add;
        try
        {
            using var _ = inference_mode();
            forward();
        }
        finally
        {
            PreTrainedModel.InputPlaced = null;
        }
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.True(placed.Any(p => ReferenceEquals(p, inputs[i])), $"input {i} reached the model without the placement rule");
        }
    }
}
