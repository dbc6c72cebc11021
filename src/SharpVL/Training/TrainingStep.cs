using System.Runtime.InteropServices;
using SharpVL.Modeling;
using SharpVL.Runtime.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// One optimizer step as the <see cref="Trainer"/> takes it, usable on its own (benchmarks, custom loops): forward and
/// backward of each micro-batch with the loss scaled by their count (gradient accumulation), then gradients onto the
/// float32 masters under mixed precision, global-norm clipping, the AdamW update, and the masters back into the model.
/// </summary>
public sealed class TrainingStep
{
    private readonly PreTrainedModel _model;
    private readonly OptimizerHelper _optimizer;
    private readonly IReadOnlyList<Parameter> _trainable;
    private readonly MasterWeights? _masters;
    private readonly double _maxGradNorm;

    /// <summary>Creates the step.</summary>
    /// <param name="model">The model (in training mode for dropout).</param>
    /// <param name="optimizer">The optimizer over <paramref name="trainable"/>.</param>
    /// <param name="trainable">The parameters the optimizer updates (the masters under mixed precision).</param>
    /// <param name="masters">Float32 master weights, or null when the model trains in its own dtype.</param>
    /// <param name="maxGradNorm">Global-norm clipping threshold (0: none).</param>
    public TrainingStep(PreTrainedModel model, OptimizerHelper optimizer, IReadOnlyList<Parameter> trainable, MasterWeights? masters, double maxGradNorm)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _trainable = trainable ?? throw new ArgumentNullException(nameof(trainable));
        _masters = masters;
        _maxGradNorm = maxGradNorm;
    }

    /// <summary>
    /// Forward and backward of one micro-batch of <paramref name="microBatches"/> (the gradient of loss / count is
    /// accumulated); returns the unscaled loss.
    /// </summary>
    /// <exception cref="InvalidOperationException">The forward computed no loss, or a fast-kernel Linear layer could not
    /// back-propagate (e.g. its saved input was modified in place).</exception>
    public double Accumulate(IReadOnlyDictionary<string, Tensor> inputs, ForwardArguments arguments, int microBatches = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        using var scope = NewDisposeScope();
        using var output = BatchForward.Run(_model, inputs, arguments);
        var loss = BatchForward.LossOf(output) ?? throw new InvalidOperationException($"{_model.GetType().Name} returned no loss.");
        try
        {
            (loss.to(ScalarType.Float32) / microBatches).backward();
        }
        catch (ExternalException e) when (KernelLinearFunction.TakeFailure() is string reason)
        {
            throw new InvalidOperationException($"Backward failed in a Linear layer: {reason}", e);
        }
        return loss.to(ScalarType.Float64).item<double>();
    }

    /// <summary>Applies the accumulated gradients; returns the gradient norm before clipping and the learning rate used.</summary>
    public (double GradNorm, double LearningRate) Apply()
    {
        _masters?.GradientsToMasters();
        var gradNorm = GradientClipping.ClipGradNorm(_trainable, _maxGradNorm > 0 ? _maxGradNorm : double.MaxValue);
        var learningRate = _optimizer.ParamGroups.First().LearningRate;
        _optimizer.step();
        _optimizer.zero_grad();
        _masters?.MastersToModel();
        return (gradNorm, learningRate);
    }

    /// <summary>Drops accumulated gradients (an interrupted step).</summary>
    public void Discard()
    {
        _optimizer.zero_grad();
        _model.zero_grad();
    }
}
