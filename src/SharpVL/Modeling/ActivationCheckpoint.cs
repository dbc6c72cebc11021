using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SharpVL.Modeling;

/// <summary>A layer stack that can recompute its layers' activations during backward (Transformers' <c>gradient_checkpointing</c>).</summary>
public interface IGradientCheckpointable
{
    /// <summary>
    /// Whether layers keep only their input during a training forward and recompute the rest in backward: activation
    /// memory grows with the number of layers times one hidden state instead of every intermediate, for about one extra
    /// forward of compute. Applies in training mode with gradients enabled, like Transformers.
    /// </summary>
    bool GradientCheckpointing { get; set; }
}

/// <summary>
/// The hook every encoder loop calls per layer: runs the layer directly, or through a checkpoint that recomputes it in
/// backward (PyTorch's reentrant <c>torch.utils.checkpoint</c>, built on TorchSharp's custom autograd functions).
/// </summary>
public static class ActivationCheckpoint
{
    /// <summary>
    /// Runs <paramref name="layer"/> on <paramref name="input"/>. When <paramref name="enabled"/>, the owner is
    /// training, gradients are on and the input requires a gradient, only <paramref name="input"/> and
    /// <paramref name="extras"/> are kept; backward re-runs the layer under the same random-number state (so dropout
    /// masks repeat) and back-propagates through the recomputed graph. The layer must take every tensor it reads
    /// besides its parameters through <paramref name="extras"/>: tensors captured otherwise may be disposed by the time
    /// backward runs.
    /// </summary>
    /// <param name="owner">The module whose <c>training</c> flag decides (the layer itself).</param>
    /// <param name="enabled">The encoder's <see cref="IGradientCheckpointable.GradientCheckpointing"/>.</param>
    /// <param name="layer">The layer's forward: hidden state and extras in, hidden state out.</param>
    /// <param name="input">The hidden state entering the layer.</param>
    /// <param name="extras">Other tensors the layer reads (masks); null entries allowed. They receive no gradient.</param>
    public static Tensor Run(nn.Module owner, bool enabled, Func<Tensor, IReadOnlyList<Tensor?>, Tensor> layer, Tensor input, params Tensor?[] extras)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        if (!enabled || !owner.training || !is_grad_enabled() || !input.requires_grad)
        {
            return layer(input, extras);
        }
        return CheckpointFunction.apply([layer, input, .. extras]);
    }

    /// <summary>Layers recomputed in backward on this thread so far (lets tests see that checkpointing took effect).</summary>
    internal static int RecomputedLayers => CheckpointFunction.Recomputations;

    /// <summary>The custom autograd node: forward without a graph, backward by recomputation.</summary>
    private sealed class CheckpointFunction : SingleTensorFunction<CheckpointFunction>
    {
        // The gradient returned from the previous backward call. The autograd engine copies a returned tensor only after
        // backward() returns, so the handle cannot be disposed inside the call; it is released on the next call instead
        // (one tensor outstanding per thread rather than one per layer).
        [ThreadStatic]
        private static Tensor? _previousGradient;

        [ThreadStatic]
        internal static int Recomputations;

        public override string Name => "SharpVLCheckpoint";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var layer = (Func<Tensor, IReadOnlyList<Tensor?>, Tensor>)vars[0];
            var input = (Tensor)vars[1];
            var extras = vars.Skip(2).Select(v => v as Tensor).ToArray();
            ctx.save_for_backward([input, .. extras]);
            ctx.save_data("layer", layer);
            ctx.save_data("extras", extras.Length);
            // The generator state as bytes (the context keeps tensors only through save_for_backward).
            using (var rng = get_rng_state())
            {
                ctx.save_data("rng", rng.data<byte>().ToArray());
            }
            return layer(input, extras);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
        {
            _previousGradient?.Dispose();
            _previousGradient = null;
            var layer = (Func<Tensor, IReadOnlyList<Tensor?>, Tensor>)ctx.get_data("layer");
            var extraCount = (int)ctx.get_data("extras");
            Tensor inputGradient;
            using (var scope = NewDisposeScope())
            {
                var saved = ctx.get_saved_variables();
                var rng = tensor((byte[])ctx.get_data("rng"));
                var current = get_rng_state();
                set_rng_state(rng);
                Tensor output;
                Tensor input;
                using (enable_grad())
                {
                    input = saved[0].detach().requires_grad_(true);
                    var extras = saved.Skip(1).Take(extraCount).Select(t => t is null || t.IsInvalid ? null : t).ToArray();
                    output = layer(input, extras);
                }
                set_rng_state(current);
                torch.autograd.backward([output], [gradOutput]);
                inputGradient = input.grad ?? zeros_like(input);
                inputGradient.DetachFromDisposeScope();
            }
            gradOutput.Dispose();
            _previousGradient = inputGradient;
            Recomputations++;
            return [null!, inputGradient, .. Enumerable.Repeat<Tensor>(null!, extraCount)];
        }
    }
}
