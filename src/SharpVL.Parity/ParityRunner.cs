using System.Text.Json;
using System.Text.RegularExpressions;
using SharpVL.Checkpoints;
using static TorchSharp.torch;

namespace SharpVL.Parity;

/// <summary>Runs manifest cases through SharpVL and compares every output with the reference.</summary>
public sealed class ParityRunner
{
    private readonly FixtureManifest _manifest;
    private readonly ParityRegistry _registry;

    /// <summary>Creates a runner over <paramref name="manifest"/> with the handlers of <paramref name="registry"/>.</summary>
    public ParityRunner(FixtureManifest manifest, ParityRegistry registry)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        _manifest = manifest;
        _registry = registry;
    }

    private static readonly HashSet<string> ModelArguments =
    [
        "output_hidden_states", "output_attentions", "return_loss", "interpolate_pos_encoding", "mask_pixel", "mask_audio",
    ];

    /// <summary>The cases whose name matches <paramref name="glob"/> (<c>*</c> and <c>?</c> wildcards; null = all).</summary>
    public IEnumerable<FixtureCase> Select(string? glob)
    {
        if (string.IsNullOrEmpty(glob))
        {
            return _manifest.Cases;
        }
        var pattern = "^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        return _manifest.Cases.Where(c => regex.IsMatch(c.Name));
    }

    /// <summary>Whether SharpVL implements what <paramref name="fixtureCase"/> exercises.</summary>
    public bool IsImplemented(FixtureCase fixtureCase) => _registry.Find(fixtureCase) is not null;

    /// <summary>Runs one case. Never throws for a failing case: errors become <see cref="CaseStatus.Error"/>.</summary>
    public CaseResult Run(FixtureCase fixtureCase)
    {
        ArgumentNullException.ThrowIfNull(fixtureCase);
        var target = ParityRegistry.TargetOf(fixtureCase);
        var handler = _registry.Find(fixtureCase);
        if (handler is null)
        {
            return new CaseResult(fixtureCase.Name, fixtureCase.Kind, target, CaseStatus.NotImplemented, [],
                $"{fixtureCase.Kind} '{target}' is not implemented yet");
        }
        if (fixtureCase.Kind == "model" && fixtureCase.Args.Keys.FirstOrDefault(k => !ModelArguments.Contains(k)) is string unknown)
        {
            // A keyword the handlers do not pass on would be silently ignored; say so instead.
            return new CaseResult(fixtureCase.Name, fixtureCase.Kind, target, CaseStatus.Error, [],
                $"model argument '{unknown}' is not supported by the parity harness");
        }
        using var scope = NewDisposeScope();
        try
        {
            var inputs = LoadTensors(fixtureCase.GetString("inputs"));
            // Models keep PyTorch's autograd semantics; forward-only cases ask for no gradient tracking explicitly
            // (no_grad rather than inference_mode: the handlers also build and load the models).
            using var gradient = fixtureCase.Kind == Families.TrainingParity.Kind ? null : no_grad();
            using var result = handler(fixtureCase, _manifest, inputs);
            var comparisons = new List<TensorComparison>(result.Comparisons);
            var expectedFile = fixtureCase.GetString("expected");
            if (expectedFile is not null && expectedFile.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                comparisons.AddRange(CompareWithExpected(fixtureCase, LoadTensors(expectedFile), result.Outputs));
            }
            var passed = comparisons.Count > 0 && comparisons.All(c => c.Passed);
            return new CaseResult(fixtureCase.Name, fixtureCase.Kind, target, passed ? CaseStatus.Passed : CaseStatus.Failed, comparisons);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new CaseResult(fixtureCase.Name, fixtureCase.Kind, target, CaseStatus.Error, [], $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private Dictionary<string, Tensor> LoadTensors(string? relative)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (relative is null)
        {
            return tensors;
        }
        using var file = SafeTensorsFile.Open(_manifest.Resolve(relative));
        foreach (var key in file.Keys)
        {
            tensors[key] = file.ReadTensor(key);
        }
        return tensors;
    }

    private static IEnumerable<TensorComparison> CompareWithExpected(
        FixtureCase fixtureCase, Dictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> outputs)
    {
        var exactKeys = fixtureCase.Get("exact_keys") is { ValueKind: JsonValueKind.Array } exact
            ? exact.EnumerateArray().Select(e => e.GetString()).ToHashSet()
            : [];
        foreach (var (key, reference) in expected)
        {
            if (!outputs.TryGetValue(key, out var got))
            {
                yield return new TensorComparison(key, false, double.NaN, double.NaN, "missing from SharpVL's output", GroupOf(fixtureCase, key));
                continue;
            }
            var (atol, rtol) = ToleranceFor(fixtureCase, key);
            yield return TensorCompare.Compare(key, got, reference, atol, rtol, exactKeys.Contains(key)) with { Group = GroupOf(fixtureCase, key) };
        }
        foreach (var key in outputs.Keys.Where(k => !expected.ContainsKey(k)))
        {
            yield return new TensorComparison(key, false, double.NaN, double.NaN, "SharpVL returned it but the reference does not");
        }
    }

    // Train cases give tolerances per group of keys (loss, grad_norm, grad, final) rather than per key.
    private static string? GroupOf(FixtureCase fixtureCase, string key)
        => fixtureCase.Kind == Families.TrainingParity.Kind ? Families.TrainingParity.GroupOf(key) : null;

    private static (double Atol, double Rtol) ToleranceFor(FixtureCase fixtureCase, string key)
    {
        if (fixtureCase.Get("tolerances") is { ValueKind: JsonValueKind.Object } perKey
            && (perKey.TryGetProperty(key, out var tolerance) || (GroupOf(fixtureCase, key) is string group && perKey.TryGetProperty(group, out tolerance))))
        {
            return (tolerance.GetProperty("atol").GetDouble(), tolerance.GetProperty("rtol").GetDouble());
        }
        if (fixtureCase.Get("atol_uint8") is { ValueKind: JsonValueKind.Number } uint8)
        {
            return (uint8.GetDouble(), 0);
        }
        return (fixtureCase.GetDouble("atol", 0), fixtureCase.GetDouble("rtol", 0));
    }

    /// <summary>Runs the selected cases, reporting each result as it completes.</summary>
    public IReadOnlyList<CaseResult> RunAll(string? glob, Action<CaseResult>? onResult = null)
    {
        var results = new List<CaseResult>();
        foreach (var fixtureCase in Select(glob))
        {
            var result = Run(fixtureCase);
            results.Add(result);
            onResult?.Invoke(result);
        }
        return results;
    }
}
