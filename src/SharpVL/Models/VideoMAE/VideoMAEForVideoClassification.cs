using SharpVL.Configuration;
using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>VideoMAE with a linear classifier on the mean-pooled (or first) token (<c>VideoMAEForVideoClassification</c>).</summary>
public sealed class VideoMAEForVideoClassification : VideoMAEPreTrainedModel
{
    private readonly VideoMAEModel videomae;
    private readonly LayerNorm? fc_norm;
    private readonly KernelLinear? classifier;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public VideoMAEForVideoClassification(VideoMAEConfig config) : base(nameof(VideoMAEForVideoClassification), config)
    {
        videomae = new VideoMAEModel(config);
        // nn.LayerNorm default eps (1e-5), not config.layer_norm_eps: the reference builds it that way.
        fc_norm = config.UseMeanPooling ? nn.LayerNorm(config.HiddenSize) : null;
        classifier = config.NumLabels > 0 ? new KernelLinear(config.HiddenSize, config.NumLabels) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> KeepInFloat32Modules => ["fc_norm", "classifier"];

    /// <summary>Loads a classifier; from a base checkpoint the head is freshly initialized (and reported).</summary>
    public static VideoMAEForVideoClassification FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new VideoMAEForVideoClassification(ConfigJson.Load<VideoMAEConfig>(dir)));

    /// <summary>Classifies a batch of clips.</summary>
    /// <param name="pixelValues">[batch, num_frames, channels, height, width] normalized pixels.</param>
    /// <param name="headMask">[heads] or [layers, heads] multipliers of the attention probabilities.</param>
    /// <param name="labels">[batch] class indices (cross-entropy), or floats for regression / multi-label.</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    public ClassifierOutput Forward(
        Tensor pixelValues, Tensor? headMask = null, Tensor? labels = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        using var scope = NewDisposeScope();
        var encoded = videomae.Forward(pixelValues, null, headMask, outputAttentions, outputHiddenStates);
        var sequence = encoded.LastHiddenState;
        // The head may be kept in float32 under a half-precision body (KeepInFloat32Modules): pool, then match its dtype.
        var headDType = ((Tensor?)classifier?.Weight ?? fc_norm?.weight)?.dtype ?? sequence.dtype;
        var pooledTokens = fc_norm is null ? sequence[TensorIndex.Colon, 0] : sequence.mean([1]);
        var pooled = fc_norm is null ? pooledTokens.to(headDType) : fc_norm.call(pooledTokens.to(headDType));
        var logits = classifier is null ? pooled : classifier.call(pooled);
        var loss = labels is null ? null : ClassificationLoss.Compute(Config, logits, labels.to(logits.device));
        var result = new ClassifierOutput(loss, logits, encoded.HiddenStates, encoded.Attentions);
        result.MoveToOuterScope();
        return result;
    }
}
