using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>The two parameter groups Transformers' <c>Trainer.create_optimizer</c> builds (4.27.1).</summary>
/// <param name="Decay">Parameters that get weight decay, by state-dict name, in <c>named_parameters()</c> order.</param>
/// <param name="NoDecay">Every other trainable parameter (biases and LayerNorm weights), same order.</param>
public sealed record WeightDecayGroups(
    IReadOnlyList<(string Name, Parameter Parameter)> Decay, IReadOnlyList<(string Name, Parameter Parameter)> NoDecay)
{
    /// <summary>
    /// Splits the trainable parameters of <paramref name="model"/> by the Trainer's rule: a parameter decays unless its
    /// name contains <c>bias</c> or it belongs to a LayerNorm module (<c>get_parameter_names(model, ALL_LAYERNORM_LAYERS)</c>
    /// minus names containing "bias"). Parameters with <c>requires_grad</c> off (a frozen backbone) are in neither group,
    /// as the Trainer leaves them out of the optimizer.
    /// </summary>
    public static WeightDecayGroups Of(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var decayNames = DecayParameterNames(model).ToHashSet(StringComparer.Ordinal);
        var decay = new List<(string, Parameter)>();
        var noDecay = new List<(string, Parameter)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad)
            {
                continue;
            }
            (decayNames.Contains(name) ? decay : noDecay).Add((name, parameter));
        }
        return new WeightDecayGroups(decay, noDecay);
    }

    /// <summary>
    /// The names Transformers' rule gives weight decay, whether or not the parameter is trainable: every parameter not
    /// owned (at any depth) by a LayerNorm child module, minus names containing <c>bias</c>.
    /// </summary>
    public static IReadOnlyList<string> DecayParameterNames(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. ParameterNamesOutsideLayerNorm(model).Where(n => !n.Contains("bias", StringComparison.Ordinal))];
    }

    // get_parameter_names: recurse into children that are not LayerNorms, then add the module's own parameters. A
    // LayerNorm at the root itself would keep its parameters (as in Python: only children are tested).
    private static IEnumerable<string> ParameterNamesOutsideLayerNorm(nn.Module module)
    {
        foreach (var (childName, child) in module.named_children())
        {
            if (child is LayerNorm)
            {
                continue;
            }
            foreach (var name in ParameterNamesOutsideLayerNorm(child))
            {
                yield return $"{childName}.{name}";
            }
        }
        foreach (var (name, _) in module.named_parameters(recurse: false))
        {
            yield return name;
        }
    }

    /// <summary>
    /// <c>torch.optim.AdamW</c> over the two groups: <paramref name="weightDecay"/> on <see cref="Decay"/>, 0 on
    /// <see cref="NoDecay"/>. TorchSharp's AdamW is PyTorch 1.13's single-tensor AdamW step for step (decoupled decay
    /// <c>p *= 1 − lr·wd</c>, bias-corrected moments, eps added after <c>sqrt(v̂)</c>, parameters without a gradient
    /// skipped entirely), which the training fixtures confirm to float32 rounding.
    /// </summary>
    public AdamW CreateAdamW(double lr, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    {
        var groups = new[]
        {
            new AdamW.ParamGroup([.. Decay.Select(p => p.Parameter)], new AdamW.Options { weight_decay = weightDecay }),
            new AdamW.ParamGroup([.. NoDecay.Select(p => p.Parameter)], new AdamW.Options { weight_decay = 0.0 }),
        };
        return torch.optim.AdamW(groups, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }
}
