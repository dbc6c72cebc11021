using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// Mixed-precision training with float32 master weights: the model computes in a half-precision dtype (bf16), while a
/// float32 copy of every trainable parameter holds the real weights and the optimizer works on those copies. After
/// each backward the half-precision gradients are widened onto the masters; after each optimizer step the masters are
/// rounded back into the model. Small updates accumulate in float32 instead of vanishing in bf16's 8-bit mantissa.
/// </summary>
public sealed class MasterWeights : IDisposable
{
    private readonly List<(string Name, Parameter Model, Parameter Master)> _pairs;

    private MasterWeights(List<(string, Parameter, Parameter)> pairs) => _pairs = pairs;

    /// <summary>
    /// Copies the trainable float32 parameters of <paramref name="model"/> as masters, then converts the model to
    /// <paramref name="computeDType"/> (modules the model keeps in float32 stay so, and serve as their own masters).
    /// </summary>
    public static MasterWeights Create(PreTrainedModel model, ScalarType computeDType)
    {
        ArgumentNullException.ThrowIfNull(model);
        Dictionary<string, Tensor> masters;
        using (no_grad())
        {
            masters = model.named_parameters().Where(p => p.parameter.requires_grad)
                .ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float32).clone());
        }
        model.Place(new ModelLoadOptions { DType = computeDType });
        var pairs = new List<(string, Parameter, Parameter)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!masters.TryGetValue(name, out var value))
            {
                continue;
            }
            if (parameter.dtype == ScalarType.Float32)
            {
                value.Dispose();
                pairs.Add((name, parameter, parameter));
            }
            else
            {
                pairs.Add((name, parameter, new Parameter(value, requires_grad: true)));
            }
        }
        return new MasterWeights(pairs);
    }

    /// <summary>The master of each trainable model parameter, by state-dict name.</summary>
    public IReadOnlyDictionary<string, Parameter> Masters => _pairs.ToDictionary(p => p.Name, p => p.Master, StringComparer.Ordinal);

    /// <summary>The optimizer groups of <paramref name="modelGroups"/> over the masters (frozen parameters stay out).</summary>
    public WeightDecayGroups Groups(WeightDecayGroups modelGroups)
    {
        ArgumentNullException.ThrowIfNull(modelGroups);
        var masters = Masters;
        return new WeightDecayGroups(
            [.. modelGroups.Decay.Where(p => masters.ContainsKey(p.Name)).Select(p => (p.Name, masters[p.Name]))],
            [.. modelGroups.NoDecay.Where(p => masters.ContainsKey(p.Name)).Select(p => (p.Name, masters[p.Name]))]);
    }

    /// <summary>Moves the model's gradients onto the masters (widened to float32) and clears the model's.</summary>
    public void GradientsToMasters()
    {
        using var noGrad = no_grad();
        foreach (var (_, model, master) in _pairs.Where(p => !ReferenceEquals(p.Model, p.Master)))
        {
            // Every grad access and conversion makes a wrapper that would hold its memory until finalisation: dispose
            // them now (the parameter keeps its own reference to the gradient it is given).
            using var grad = model.grad;
            if (grad is null)
            {
                // No gradient this step: the master keeps what zero_grad left, as a float32 parameter would.
                continue;
            }
            using var widened = grad.to(ScalarType.Float32);
            master.grad = widened;
            model.grad = null;
        }
    }

    /// <summary>Rounds the masters back into the model's parameters.</summary>
    public void MastersToModel()
    {
        using var noGrad = no_grad();
        foreach (var (_, model, master) in _pairs.Where(p => !ReferenceEquals(p.Model, p.Master)))
        {
            model.copy_(master);
        }
    }

    /// <summary>The model's state dict with every master in place of its half-precision parameter (float32 weights to save).</summary>
    public Dictionary<string, Tensor> StateDict(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var state = model.state_dict();
        foreach (var (name, _, master) in _pairs)
        {
            state[name] = master;
        }
        return state;
    }

    /// <summary>Loads float32 <paramref name="weights"/> (by name) into the masters and rounds them into the model.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using (no_grad())
        {
            foreach (var (name, _, master) in _pairs)
            {
                if (weights.TryGetValue(name, out var value))
                {
                    master.copy_(value);
                }
            }
        }
        MastersToModel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, model, master) in _pairs.Where(p => !ReferenceEquals(p.Model, p.Master)))
        {
            master.Dispose();
        }
    }
}
