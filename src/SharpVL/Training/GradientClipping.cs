using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>Global-norm gradient clipping (<c>torch.nn.utils.clip_grad_norm_</c> of PyTorch 1.13).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the total norm of every gradient of <paramref name="parameters"/> (the norm of the per-tensor norms;
    /// parameters without a gradient are skipped) and, when <c>maxNorm / (total + 1e-6)</c> is below 1, scales every
    /// gradient in place by it. Returns the total norm BEFORE clipping (0 when no parameter has a gradient).
    /// </summary>
    /// <param name="parameters">The parameters whose <c>.grad</c> to clip.</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">p of the p-norm; <see cref="double.PositiveInfinity"/> for the max norm.</param>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        using var gradient = no_grad();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0)
        {
            return 0.0;
        }
        var device = grads[0].device;
        // Per-tensor norms in each gradient's own dtype, gathered on the first gradient's device, as PyTorch does.
        var norms = grads.Select(g => double.IsPositiveInfinity(normType) ? g.abs().max() : g.norm((float)normType).to(device)).ToList();
        var total = double.IsPositiveInfinity(normType) ? stack(norms).max() : stack(norms).norm((float)normType);
        var coefficient = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var grad in grads)
        {
            grad.mul_(coefficient.to(grad.dtype, grad.device));
        }
        return total.to(ScalarType.Float64).item<double>();
    }
}
