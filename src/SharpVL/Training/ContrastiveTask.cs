using SharpVL.Models.AltCLIP;
using SharpVL.Models.XCLIP;
using SharpVL.Modeling;
using SharpVL.Processing.Text;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// Contrastive (video, caption) training of X-CLIP or AltCLIP (AltCLIP sees the clip's middle frame): the model's own
/// symmetric CLIP loss over the batch (<c>return_loss=True</c>). Evaluation ranks every caption of the validation set
/// for every video and reports recall@1/5 both ways, plus the loss over each batch's pairs.
/// </summary>
public sealed class ContrastiveTask : TrainingTask
{
    private readonly ITextTokenizer _tokenizer;
    private readonly int _maxLength;

    /// <summary>Creates the task.</summary>
    public ContrastiveTask(PreTrainedModel model, string sourceDirectory, VideoClipLoader clips, ITextTokenizer tokenizer, int maxLength)
        : base(model, sourceDirectory, clips)
    {
        if (model is not (XCLIPModel or AltCLIPModel))
        {
            throw new NotSupportedException($"{model.GetType().Name} cannot be trained contrastively; X-CLIP and AltCLIP can.");
        }
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _maxLength = maxLength;
    }

    /// <inheritdoc />
    public override TrainingTaskKind Kind => TrainingTaskKind.Contrastive;

    /// <inheritdoc />
    public override string MainMetric => "eval_text_to_video_recall@1";

    /// <inheritdoc />
    public override bool GreaterIsBetter => true;

    /// <inheritdoc />
    public override ForwardArguments Arguments => new() { ReturnLoss = true };

    /// <inheritdoc />
    public override IReadOnlyList<string> HeadPrefixes => ["visual_projection.", "text_projection.", "logit_scale", "prompts_", "mit."];

    /// <inheritdoc />
    public override Dictionary<string, Tensor> Inputs(PreparedBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (ids, mask) = Tokens([.. batch.Examples.Select(e => e.Text!)]);
        return new() { ["input_ids"] = ids, ["attention_mask"] = mask, ["pixel_values"] = Pixels(batch) };
    }

    private (Tensor Ids, Tensor Mask) Tokens(IReadOnlyList<string> texts)
    {
        var encoding = _tokenizer.Encode(texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true, MaxLength = _maxLength });
        var (ids, mask) = encoding.ToTensors();
        return (ids.to(Model.Device), mask.to(Model.Device));
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Evaluate(IEnumerable<PreparedBatch> batches, TrainingDataset data, long seed)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(data);
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var (allIds, allMask) = Tokens([.. data.Examples.Select(e => e.Text!)]);
        var rows = new List<Tensor>();
        double lossSum = 0;
        long lossBatches = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            // Every validation caption against this batch's videos: [videos, all texts].
            var inputs = new Dictionary<string, Tensor> { ["input_ids"] = allIds, ["attention_mask"] = allMask, ["pixel_values"] = Pixels(batch) };
            using var output = BatchForward.Run(Model, inputs);
            var logits = output switch
            {
                XCLIPOutput x => x.LogitsPerVideo,
                AltCLIPOutput a => a.LogitsPerImage,
                _ => throw new InvalidOperationException($"Unexpected output {output.GetType().Name}."),
            };
            if (batch.Count > 1)
            {
                // The batch's own pairs: the same logits a training forward of this batch sees, scored by the CLIP loss.
                var own = logits.index_select(1, tensor(batch.Indices.Select(i => (long)i).ToArray()));
                lossSum += ClipLoss(own).to(ScalarType.Float64).item<double>();
                lossBatches++;
            }
            rows.Add(logits.to(ScalarType.Float32).detach().MoveToOuterDisposeScope());
        }
        var scores = cat(rows, 0);
        var result = new Dictionary<string, double>
        {
            ["eval_loss"] = lossBatches == 0 ? double.NaN : lossSum / lossBatches,
            ["eval_samples"] = scores.shape[0],
        };
        foreach (var k in new[] { 1, 5 })
        {
            result[$"eval_video_to_text_recall@{k}"] = Recall(scores, k);
            result[$"eval_text_to_video_recall@{k}"] = Recall(scores.t(), k);
        }
        return result;
    }

    /// <summary>CLIP's symmetric loss: the mean of the cross-entropies of rows and columns against the diagonal.</summary>
    public static Tensor ClipLoss(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var targets = arange(logits.shape[0], device: logits.device);
        return (nn.functional.cross_entropy(logits, targets) + nn.functional.cross_entropy(logits.t(), targets)) / 2;
    }

    /// <summary>Fraction of rows whose diagonal entry is among the row's <paramref name="k"/> largest.</summary>
    public static double Recall(Tensor scores, int k)
    {
        ArgumentNullException.ThrowIfNull(scores);
        using var scope = NewDisposeScope();
        var n = scores.shape[0];
        var top = scores.topk((int)Math.Min(k, scores.shape[1]), -1).indexes;
        return n == 0 ? double.NaN : top.eq(arange(n).unsqueeze(-1)).any(-1).to(ScalarType.Float64).mean().item<double>();
    }
}
