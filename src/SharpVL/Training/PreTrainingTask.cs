using SharpVL.Models.VideoMAE;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// VideoMAE masked-autoencoder pre-training: each clip gets a tube mask (the same patches hidden in every tubelet, as
/// VideoMAE's <c>TubeMaskingGenerator</c>) at <see cref="MaskRatio"/>, and the loss is the model's reconstruction loss.
/// </summary>
public sealed class PreTrainingTask : TrainingTask
{
    /// <summary>Creates the task.</summary>
    public PreTrainingTask(VideoMAEForPreTraining model, string sourceDirectory, VideoClipLoader clips, double maskRatio)
        : base(model, sourceDirectory, clips)
    {
        if (!(maskRatio > 0 && maskRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maskRatio), maskRatio, "The mask ratio must lie strictly between 0 and 1.");
        }
        MaskRatio = maskRatio;
        Config = model.Config;
    }

    private VideoMAEConfig Config { get; }

    /// <summary>Fraction of the patches of each frame that are hidden.</summary>
    public double MaskRatio { get; }

    /// <inheritdoc />
    public override TrainingTaskKind Kind => TrainingTaskKind.PreTraining;

    /// <inheritdoc />
    public override string MainMetric => "eval_loss";

    /// <inheritdoc />
    public override bool GreaterIsBetter => false;

    /// <inheritdoc />
    public override IReadOnlyList<string> HeadPrefixes => ["decoder.", "encoder_to_decoder.", "mask_token"];

    /// <inheritdoc />
    public override Dictionary<string, Tensor> Inputs(PreparedBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new()
        {
            ["pixel_values"] = Pixels(batch),
            ["bool_masked_pos"] = TubeMask(batch.Count, random).to(Model.Device),
        };
    }

    /// <summary>
    /// [batch, sequence] booleans: per clip, <c>int(ratio · patches per frame)</c> randomly chosen spatial patches are
    /// masked in every tubelet.
    /// </summary>
    public Tensor TubeMask(int batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var perFrame = (Config.ImageSize / Config.PatchSize) * (Config.ImageSize / Config.PatchSize);
        var tubelets = Config.NumFrames / Config.TubeletSize;
        var masked = (int)(MaskRatio * perFrame);
        var mask = new bool[batch * perFrame * tubelets];
        for (var b = 0; b < batch; b++)
        {
            var order = Enumerable.Range(0, perFrame).ToArray();
            random.Shuffle(order);
            for (var t = 0; t < tubelets; t++)
            {
                for (var i = 0; i < masked; i++)
                {
                    mask[(b * perFrame * tubelets) + (t * perFrame) + order[i]] = true;
                }
            }
        }
        return tensor(mask, [batch, perFrame * tubelets]);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Evaluate(IEnumerable<PreparedBatch> batches, TrainingDataset data, long seed)
    {
        ArgumentNullException.ThrowIfNull(batches);
        double lossSum = 0;
        long count = 0, index = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            // Evaluation masks depend on the batch's position only, so every evaluation sees the same masks.
            using var output = BatchForward.Run(Model, Inputs(batch, SeedSequence.Random(seed, -1, index++)));
            lossSum += BatchForward.LossOf(output)!.to(ScalarType.Float64).item<double>() * batch.Count;
            count += batch.Count;
        }
        return new Dictionary<string, double> { ["eval_loss"] = count == 0 ? double.NaN : lossSum / count, ["eval_samples"] = count };
    }
}
