using System.Globalization;
using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>
/// Runs <c>train</c> cases: a few optimizer steps exactly as Transformers' Trainer takes them (AdamW over the
/// decay/no-decay groups, the case's learning rate per step, global-norm clipping), reporting the loss and gradient
/// norm of every step, every gradient after the first backward and every parameter after the last step.
/// </summary>
public static class TrainingParity
{
    /// <summary>The case kind.</summary>
    public const string Kind = "train";


    private static readonly HashSet<string> ForwardFlags = ["return_loss", "output_attentions", "output_hidden_states", "interpolate_pos_encoding"];

    /// <summary>Adds the handler for <c>train</c> cases of every trainable class to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var className in TrainableModels.ClassNames)
        {
            registry.Register(Kind, className, Run);
        }
    }

    /// <summary>
    /// The comparison group of an expected key: <c>loss</c> (<c>step&lt;N&gt;.loss</c>), <c>grad_norm</c>,
    /// <c>grad</c> (<c>step0.grad.*</c>) or <c>final</c> (<c>final.*</c>); null for anything else.
    /// </summary>
    public static string? GroupOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("final.", StringComparison.Ordinal))
        {
            return "final";
        }
        var parts = key.Split('.', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("step", StringComparison.Ordinal))
        {
            return null;
        }
        return parts[1] switch
        {
            "loss" when parts.Length == 2 => "loss",
            "grad_norm" when parts.Length == 2 => "grad_norm",
            "grad" when parts.Length == 3 => "grad",
            _ => null,
        };
    }

    private static HandlerResult Run(FixtureCase c, FixtureManifest m, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var settings = TrainCaseSettings.Read(c);
        using var model = TrainableModels.Load(c.ClassName!, m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
        model.train();
        var result = new HandlerResult();
        var groups = WeightDecayGroups.Of(model);
        result.Comparisons.Add(CompareNames("decay_params", WeightDecayGroups.DecayParameterNames(model), settings.DecayParams));
        using var optimizer = groups.CreateAdamW(settings.LearningRates[0], settings.WeightDecay, settings.Beta1, settings.Beta2, settings.Eps, settings.AmsGrad);
        var parameters = model.named_parameters().ToList();
        for (var step = 0; step < settings.Steps; step++)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = settings.LearningRates[step];
            }
            model.zero_grad(set_to_none: true);
            var batch = StepInputs(inputs, step);
            using (var output = BatchForward.Run(model, batch, settings.Arguments))
            {
                var loss = BatchForward.LossOf(output)
                    ?? throw new InvalidOperationException($"{c.ClassName} computed no loss from the step {step} batch ({string.Join(", ", batch.Keys)}).");
                loss.backward();
                result.Outputs[$"step{step}.loss"] = loss.detach().clone();
            }
            if (step == 0)
            {
                var withoutGrad = new List<string>();
                foreach (var (name, parameter) in parameters)
                {
                    using var grad = parameter.grad;
                    if (grad is null)
                    {
                        withoutGrad.Add(name);
                    }
                    else
                    {
                        result.Outputs[$"step0.grad.{name}"] = grad.detach().clone();
                    }
                }
                result.Comparisons.Add(CompareNames("params_without_grad", withoutGrad, settings.ParamsWithoutGrad));
            }
            var norm = GradientClipping.ClipGradNorm(parameters.Select(p => p.parameter), settings.MaxGradNorm ?? double.PositiveInfinity);
            result.Outputs[$"step{step}.grad_norm"] = tensor((float)norm);
            optimizer.step();
        }
        foreach (var (name, parameter) in parameters)
        {
            result.Outputs[$"final.{name}"] = parameter.detach().clone();
        }
        return result;
    }

    private static Dictionary<string, Tensor> StepInputs(IReadOnlyDictionary<string, Tensor> inputs, int step)
    {
        var prefix = $"step{step.ToString(CultureInfo.InvariantCulture)}.";
        var batch = inputs.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
        return batch.Count > 0 ? batch : throw new InvalidDataException($"The case has no inputs for step {step} ({prefix}*).");
    }

    private static TensorComparison CompareNames(string what, IEnumerable<string> got, IReadOnlyCollection<string> expected)
    {
        var gotSet = got.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(n => !gotSet.Contains(n)).ToList();
        var extra = gotSet.Where(n => !expected.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var problem = missing.Count + extra.Count == 0
            ? null
            : $"SharpVL lacks [{string.Join(", ", missing)}], has extra [{string.Join(", ", extra)}]";
        return new TensorComparison(what, problem is null, missing.Count + extra.Count, double.NaN, problem, Group: what);
    }

    /// <summary>The optimizer and step settings of a train case.</summary>
    private sealed record TrainCaseSettings(
        int Steps, IReadOnlyList<double> LearningRates, double Beta1, double Beta2, double Eps, double WeightDecay, bool AmsGrad,
        double? MaxGradNorm, IReadOnlyCollection<string> DecayParams, IReadOnlyCollection<string> ParamsWithoutGrad, ForwardArguments Arguments)
    {
        public static TrainCaseSettings Read(FixtureCase c)
        {
            var optimizer = c.Get("optimizer") ?? throw new InvalidDataException($"Case '{c.Name}' has no optimizer.");
            var type = optimizer.GetProperty("type").GetString();
            if (type != "AdamW")
            {
                throw new NotSupportedException($"optimizer '{type}' is not supported by the parity harness (AdamW is).");
            }
            var steps = (int)c.GetDouble("steps", 0);
            var lr = optimizer.GetProperty("lr");
            IReadOnlyList<double> rates = lr.ValueKind == JsonValueKind.Array
                ? [.. lr.EnumerateArray().Select(e => e.GetDouble())]
                : [.. Enumerable.Repeat(lr.GetDouble(), steps)];
            if (steps < 1 || rates.Count != steps)
            {
                throw new InvalidDataException($"Case '{c.Name}': {steps} steps but {rates.Count} learning rates.");
            }
            var betas = optimizer.TryGetProperty("betas", out var b) ? b.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [0.9, 0.999];
            var unknown = c.Args.Keys.FirstOrDefault(k => !ForwardFlags.Contains(k));
            if (unknown is not null)
            {
                throw new NotSupportedException($"forward argument '{unknown}' is not supported by the parity harness.");
            }
            var arguments = new ForwardArguments
            {
                ReturnLoss = c.BoolArg("return_loss"),
                OutputAttentions = c.BoolArg("output_attentions"),
                OutputHiddenStates = c.BoolArg("output_hidden_states"),
                InterpolatePosEncoding = c.BoolArg("interpolate_pos_encoding") ?? false,
            };
            return new TrainCaseSettings(
                steps, rates, betas[0], betas[1], Number(optimizer, "eps", 1e-8), Number(optimizer, "weight_decay", 0.0),
                optimizer.TryGetProperty("amsgrad", out var ams) && ams.ValueKind == JsonValueKind.True,
                c.Get("max_grad_norm") is { ValueKind: JsonValueKind.Number } max ? max.GetDouble() : null,
                Names(c, "decay_params"), Names(c, "params_without_grad"), arguments);
        }

        private static double Number(JsonElement element, string key, double fallback)
            => element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : fallback;

        private static HashSet<string> Names(FixtureCase c, string key)
            => c.Get(key) is { ValueKind: JsonValueKind.Array } array
                ? array.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
                : throw new InvalidDataException($"Case '{c.Name}' has no '{key}' list.");
    }
}
