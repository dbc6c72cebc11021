using SharpVL.Configuration;
using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// TVLT with an MLP classifier on the CLS token (<c>TvltForAudioVisualClassification</c>):
/// Linear(h, 2h) → LayerNorm(2h) → GELU → Linear(2h, num_labels), stored as <c>classifier.{0,1,3}</c>.
/// </summary>
public sealed class TvltForAudioVisualClassification : TvltPreTrainedModel
{
    private readonly TvltModel tvlt;
    private readonly Sequential classifier;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public TvltForAudioVisualClassification(TvltConfig config) : base(nameof(TvltForAudioVisualClassification), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        tvlt = new TvltModel(config);
        int h = config.HiddenSize;
        classifier = nn.Sequential(
            ("0", new KernelLinear(h, h * 2)),
            ("1", nn.LayerNorm(h * 2, config.LayerNormEps)),
            ("2", nn.GELU()),
            ("3", new KernelLinear(h * 2, config.NumLabels)));
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> KeepInFloat32Modules => ["classifier"];

    /// <summary>Loads a classifier; from a base or pre-training checkpoint the head is freshly initialized (and reported).</summary>
    public static TvltForAudioVisualClassification FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new TvltForAudioVisualClassification(ConfigJson.Load<TvltConfig>(dir)));

    /// <summary>Classifies video + audio pairs.</summary>
    /// <param name="pixelValues">[batch, frames, 3, H, W] normalized frames.</param>
    /// <param name="audioValues">[batch, 1, time, freq] spectrogram.</param>
    /// <param name="pixelMask">Padding mask of the frames (used only together with <paramref name="audioMask"/>).</param>
    /// <param name="audioMask">Padding mask of the spectrogram (used only together with <paramref name="pixelMask"/>).</param>
    /// <param name="labels">Class indices (loss_type classification: cross-entropy) or float targets (regression: MSE).</param>
    /// <param name="outputAttentions">Return encoder attentions (default: config).</param>
    /// <param name="outputHiddenStates">Return encoder hidden states (default: config).</param>
    public ClassifierOutput Forward(
        Tensor pixelValues, Tensor audioValues, Tensor? pixelMask = null, Tensor? audioMask = null, Tensor? labels = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        using var scope = NewDisposeScope();
        var outputs = tvlt.Forward(pixelValues, audioValues, pixelMask, audioMask,
            outputAttentions: outputAttentions, outputHiddenStates: outputHiddenStates);
        // Under a half-precision body the head stays float32 (KeepInFloat32Modules): feed it the CLS token in its dtype.
        var headDType = classifier.parameters().First().dtype;
        var logits = classifier.call(outputs.LastHiddenState.select(1, 0).to(headDType));
        Tensor? loss = null;
        if (labels is not null)
        {
            var target = labels.to(logits.device);
            loss = Config.LossType switch
            {
                "regression" => nn.functional.mse_loss(logits, target.to(logits.dtype)),
                "classification" => nn.functional.cross_entropy(logits, target),
                _ => null, // 4.27.1 computes no loss for other loss types.
            };
        }
        var result = new ClassifierOutput(loss, logits, outputs.HiddenStates, outputs.Attentions);
        result.MoveToOuterScope();
        return result;
    }
}
