using SharpVL.Checkpoints;
using SharpVL.Configuration;
using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// A classifier for the labels of the training data: the config names them (<c>id2label</c>, <c>label2id</c>), the
/// checkpoint's weights load except the output layer when the labels differ from the checkpoint's, and that layer is
/// drawn anew from a generator of its own (the same head for the same seed, whatever other threads draw from torch's
/// global generator).
/// </summary>
internal static class ClassifierHeads
{
    /// <summary>Sets the config's labels; true when they are the checkpoint's own (its output layer can be kept).</summary>
    public static bool Relabel(PretrainedConfig config, IReadOnlyList<string> labels)
    {
        var same = config.Id2Label.OrderBy(p => p.Key).Select(p => p.Value).SequenceEqual(labels, StringComparer.Ordinal);
        config.Id2Label = labels.Select((l, i) => (l, i)).ToDictionary(p => p.i, p => p.l);
        config.Label2Id = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        return same;
    }

    /// <summary>
    /// Places <paramref name="model"/> and loads the checkpoint in <paramref name="directory"/>, without the weights under
    /// <paramref name="outputLayer"/> unless <paramref name="keepOutputLayer"/>; then initialises that layer with
    /// <paramref name="seed"/>. Load warnings other than the new output layer go to the options' logger.
    /// </summary>
    public static void Load(
        PreTrainedModel model, string directory, ModelLoadOptions load, string outputLayer, bool keepOutputLayer, double initializerRange, int? seed)
    {
        model.Place(load);
        LoadReport report;
        using (var source = CheckpointFiles.Open(directory))
        {
            var weights = keepOutputLayer ? source : new KeyFilteredSource(source, [outputLayer + "."]);
            report = model.LoadWeights(weights, directory, load with { IgnoreMismatchedSizes = true, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance });
        }
        var name = model.GetType().Name;
        var missing = report.MissingKeys.Where(k => !k.StartsWith(outputLayer + ".", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            load.Warn($"Some weights of {name} were not in {directory} and are newly initialized: [{string.Join(", ", missing)}].");
        }
        if (report.UnexpectedKeys.Count > 0)
        {
            load.Warn($"Some weights of {directory} are not used by {name}: [{string.Join(", ", report.UnexpectedKeys)}].");
        }
        if (!keepOutputLayer && seed is int s)
        {
            Initialize(model, outputLayer, initializerRange, s);
        }
    }

    /// <summary>Every Linear at or under <paramref name="prefix"/>: weight ~ N(0, range), bias 0 (Transformers' _init_weights).</summary>
    private static void Initialize(PreTrainedModel model, string prefix, double initializerRange, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules().Where(m => m.name == prefix || m.name.StartsWith(prefix + ".", StringComparison.Ordinal)))
        {
            if (module is not (Linear or KernelLinear))
            {
                continue;
            }
            foreach (var (name, parameter) in module.named_parameters(recurse: false))
            {
                if (name == "weight")
                {
                    parameter.normal_(0, initializerRange, generator);
                }
                else
                {
                    parameter.zero_();
                }
            }
        }
    }
}
