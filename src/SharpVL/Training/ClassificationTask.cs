using SharpVL.Modeling;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// Video classification: the model's head has one class per label of the training data (<c>id2label</c> in label
/// order); loss is the model's cross-entropy; evaluation reports loss, accuracy and top-5 accuracy.
/// </summary>
public class ClassificationTask : TrainingTask
{
    private readonly Dictionary<string, int> _labelIds;

    /// <summary>Creates the task for a classifier whose config already names <paramref name="labels"/>.</summary>
    public ClassificationTask(PreTrainedModel model, string sourceDirectory, VideoClipLoader clips, IReadOnlyList<string> labels)
        : base(model, sourceDirectory, clips)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = labels;
        _labelIds = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The class names, index i = class i.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <inheritdoc />
    public override TrainingTaskKind Kind => TrainingTaskKind.Classification;

    /// <inheritdoc />
    public override string MainMetric => "eval_accuracy";

    /// <inheritdoc />
    public override bool GreaterIsBetter => true;

    /// <inheritdoc />
    public override IReadOnlyList<string> HeadPrefixes => ["classifier.", "fc_norm."];

    /// <summary>The forward's inputs for a batch, without the labels (default: <c>pixel_values</c>).</summary>
    protected virtual Dictionary<string, Tensor> ModelInputs(PreparedBatch batch) => new() { ["pixel_values"] = Pixels(batch) };

    /// <inheritdoc />
    public override void Validate(TrainingDataset data)
    {
        base.Validate(data);
        var unknown = data.Labels.Where(l => !_labelIds.ContainsKey(l)).ToList();
        if (unknown.Count > 0)
        {
            throw new TrainingDataException(
                $"{data.Source}: label{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(l => $"'{l}'"))} not among the model's classes ({string.Join(", ", Labels)}).",
                data.Source);
        }
    }

    /// <inheritdoc />
    public override Dictionary<string, Tensor> Inputs(PreparedBatch batch, Random random)
    {
        var inputs = ModelInputs(batch);
        inputs["labels"] = LabelTensor(batch);
        return inputs;
    }

    private Tensor LabelTensor(PreparedBatch batch)
        => tensor(batch.Examples.Select(e => (long)_labelIds[e.Label!]).ToArray()).to(Model.Device);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Evaluate(IEnumerable<PreparedBatch> batches, TrainingDataset data, long seed)
    {
        ArgumentNullException.ThrowIfNull(batches);
        double lossSum = 0;
        long count = 0, correct = 0, correctTop5 = 0;
        var k = Math.Min(5, Labels.Count);
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var labels = LabelTensor(batch);
            var inputs = ModelInputs(batch);
            inputs["labels"] = labels;
            using var output = BatchForward.Run(Model, inputs);
            var logits = ((ClassifierOutput)output).Logits;
            lossSum += BatchForward.LossOf(output)!.to(ScalarType.Float64).item<double>() * batch.Count;
            count += batch.Count;
            correct += logits.argmax(-1).eq(labels).sum().item<long>();
            var top = logits.topk(k, -1).indexes;
            correctTop5 += top.eq(labels.unsqueeze(-1)).any(-1).sum().item<long>();
        }
        return new Dictionary<string, double>
        {
            ["eval_loss"] = count == 0 ? double.NaN : lossSum / count,
            ["eval_accuracy"] = count == 0 ? double.NaN : (double)correct / count,
            ["eval_top5_accuracy"] = count == 0 ? double.NaN : (double)correctTop5 / count,
            ["eval_samples"] = count,
        };
    }

    /// <inheritdoc />
    public override void PrepareConfigForSave()
    {
        Model.GenericConfig.Id2Label = Labels.Select((l, i) => (l, i)).ToDictionary(p => p.i, p => p.l);
        Model.GenericConfig.Label2Id = new Dictionary<string, int>(_labelIds, StringComparer.Ordinal);
    }
}
