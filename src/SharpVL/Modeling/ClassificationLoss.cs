using SharpVL.Configuration;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>The loss Transformers' sequence/video classifiers compute from <c>labels</c>, by <c>problem_type</c>.</summary>
public static class ClassificationLoss
{
    /// <summary>
    /// Infers <c>problem_type</c> when the config has none (1 label → regression; integer labels → single-label;
    /// otherwise multi-label), records it in <paramref name="config"/> as Transformers does, and returns the loss.
    /// </summary>
    public static Tensor Compute(PretrainedConfig config, Tensor logits, Tensor labels)
    {
        var numLabels = config.NumLabels;
        config.ProblemType ??= numLabels == 1
            ? "regression"
            : labels.dtype is ScalarType.Int64 or ScalarType.Int32 ? "single_label_classification" : "multi_label_classification";
        switch (config.ProblemType)
        {
            case "regression":
                if (numLabels == 1)
                {
                    using var squeezedLogits = logits.squeeze();
                    using var squeezedLabels = labels.squeeze().to(logits.dtype);
                    return nn.functional.mse_loss(squeezedLogits, squeezedLabels);
                }
                using (var floatLabels = labels.to(logits.dtype))
                {
                    return nn.functional.mse_loss(logits, floatLabels);
                }
            case "single_label_classification":
                using (var flatLogits = logits.view(-1, numLabels))
                using (var flatLabels = labels.view(-1).to(ScalarType.Int64))
                {
                    return nn.functional.cross_entropy(flatLogits, flatLabels);
                }
            case "multi_label_classification":
                using (var floatTargets = labels.to(logits.dtype))
                {
                    return nn.functional.binary_cross_entropy_with_logits(logits, floatTargets);
                }
            default:
                throw new InvalidDataException(
                    $"Unknown problem_type '{config.ProblemType}': expected regression, single_label_classification or multi_label_classification.");
        }
    }
}
