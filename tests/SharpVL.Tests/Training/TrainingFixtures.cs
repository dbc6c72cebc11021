using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Training;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>Reads the training reference cases of <c>tests/fixtures-training</c> for direct use in tests.</summary>
internal static class TrainingFixtures
{
    /// <summary>The quiet load options (<see cref="ModelLoadOptions.Quiet"/>), under the name training tests use.</summary>
    public static ModelLoadOptions Quiet => ModelLoadOptions.Quiet;

    private static readonly Lazy<JsonElement> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestPaths.TrainingFixture("manifest.json"))).RootElement.Clone());

    public static JsonElement Case(string name)
        => Manifest.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>Loads the case's model (train mode off: the caller decides).</summary>
    public static PreTrainedModel LoadModel(string caseName)
    {
        var c = Case(caseName);
        return TrainableModels.Load(c.GetProperty("class").GetString()!, TestPaths.TrainingFixture(c.GetProperty("model").GetString()!), ModelLoadOptions.Quiet);
    }

    public static Dictionary<string, Tensor> ReadTensors(string relative) => FixtureTensors.ReadTraining(relative);

    /// <summary>The batch of step <paramref name="step"/> (keys without the <c>step&lt;N&gt;.</c> prefix).</summary>
    public static Dictionary<string, Tensor> StepBatch(string caseName, int step)
    {
        var prefix = $"step{step}.";
        var inputs = ReadTensors(Case(caseName).GetProperty("inputs").GetString()!);
        return inputs.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
    }

    public static Dictionary<string, Tensor> Expected(string caseName) => ReadTensors(Case(caseName).GetProperty("expected").GetString()!);

    public static ForwardArguments Arguments(string caseName)
        => new() { ReturnLoss = Case(caseName).GetProperty("args").TryGetProperty("return_loss", out var r) ? r.GetBoolean() : null };

    public static (double Atol, double Rtol) Tolerance(string caseName, string group)
    {
        var t = Case(caseName).GetProperty("tolerances").GetProperty(group);
        return (t.GetProperty("atol").GetDouble(), t.GetProperty("rtol").GetDouble());
    }

    /// <summary>Whether every element satisfies <c>|got − expected| ≤ atol + rtol·|expected|</c>.</summary>
    public static bool Close(Tensor got, Tensor expected, double atol, double rtol)
    {
        using var scope = NewDisposeScope();
        var a = got.detach().to(ScalarType.Float64);
        var e = expected.to(ScalarType.Float64);
        return a.shape.SequenceEqual(e.shape) && (a - e).abs().le(atol + (rtol * e.abs())).all().item<bool>();
    }
}
