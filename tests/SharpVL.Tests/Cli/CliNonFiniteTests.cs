using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>NaN and infinity never make invalid JSON: they are written as null with a warning (issue 11, item 9).</summary>
public sealed class CliNonFiniteTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void NaNScoresAreNullWithAWarningInJsonAndJsonlAndNaNInCsv()
    {
        var model = _workspace.ModelWithTensorFilled(CliWorkspace.VideoMAE, "nan-model", "classifier.bias", float.NaN);

        var jsonl = CliRunner.Run("classify", CliWorkspace.Clip, "--model", model, "--jsonl", "--top-k", "2");
        Assert.True(jsonl.ExitCode == 0, jsonl.Stderr);
        using var line = JsonDocument.Parse(jsonl.Stdout);
        Assert.All(line.RootElement.GetProperty("labels").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("score").ValueKind));
        const string warning = "2 values are not finite (NaN or infinity), written as null";
        Assert.Equal(warning, line.RootElement.GetProperty("warnings")[0].GetString());
        Assert.Contains($"warning: {CliWorkspace.Clip}: {warning}", jsonl.Stderr, StringComparison.Ordinal);

        var json = CliRunner.Run("av-classify", CliWorkspace.ClipWithAudio, "--json", "--model",
            _workspace.ModelWithTensorFilled(TestPaths.Fixture("models/tvlt-tiny-avclassification"), "nan-tvlt", "classifier.3.bias", float.PositiveInfinity));
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        var result = document.RootElement.GetProperty("results")[0];
        Assert.All(result.GetProperty("logits").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.ValueKind));
        Assert.Contains("not finite", result.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);

        var csv = CliRunner.Run("classify", CliWorkspace.Clip, "--model", model, "--csv", "--top-k", "1");
        Assert.Equal(0, csv.ExitCode);
        Assert.EndsWith(",NaN,,", csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('\r'), StringComparison.Ordinal);
    }
}
