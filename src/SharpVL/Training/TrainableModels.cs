using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;

namespace SharpVL.Training;

/// <summary>The model classes <see cref="BatchForward"/> drives, loadable by their Transformers class name.</summary>
public static class TrainableModels
{
    private static readonly Dictionary<string, Func<string, ModelLoadOptions?, PreTrainedModel>> Loaders = new(StringComparer.Ordinal)
    {
        [nameof(VideoMAEForVideoClassification)] = VideoMAEForVideoClassification.FromPretrained,
        [nameof(VideoMAEForPreTraining)] = VideoMAEForPreTraining.FromPretrained,
        [nameof(VideoMAEModel)] = VideoMAEModel.FromPretrained,
        [nameof(XCLIPModel)] = XCLIPModel.FromPretrained,
        [nameof(AltCLIPModel)] = AltCLIPModel.FromPretrained,
        [nameof(TvltForAudioVisualClassification)] = TvltForAudioVisualClassification.FromPretrained,
        [nameof(TvltForPreTraining)] = TvltForPreTraining.FromPretrained,
        [nameof(TvltModel)] = TvltModel.FromPretrained,
    };

    /// <summary>Every class name <see cref="Load"/> accepts.</summary>
    public static IReadOnlyCollection<string> ClassNames => Loaders.Keys;

    /// <summary>Loads <paramref name="className"/> (e.g. <c>VideoMAEForVideoClassification</c>) from a directory or Hub id.</summary>
    /// <exception cref="NotSupportedException">The class is not one SharpVL can train.</exception>
    public static PreTrainedModel Load(string className, string modelIdOrPath, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(className);
        return Loaders.TryGetValue(className, out var load)
            ? load(modelIdOrPath, options)
            : throw new NotSupportedException($"'{className}' cannot be trained by SharpVL; trainable classes: {string.Join(", ", Loaders.Keys)}.");
    }
}
