using SharpVL.Models.VideoMAE;
using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>A model forward at a real checkpoint's size, with random weights.</summary>
/// <param name="Name">Checkpoint the sizes come from.</param>
/// <param name="Prepare">Builds the model and inputs for a dtype and batch; returns the forward to time and its GFLOP.</param>
internal sealed record ModelBenchmark(string Name, Func<ScalarType, int, PreparedForward> Prepare);

/// <summary>A ready-to-run forward; disposing frees the model and inputs.</summary>
internal sealed class PreparedForward(Action run, double gflops, params IDisposable[] owned) : IDisposable
{
    public Action Run { get; } = run;

    public double Gflops { get; } = gflops;

    public void Dispose()
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }
}

/// <summary>The model configurations <c>sharpvl bench</c> measures.</summary>
internal static class ModelBenchmarks
{
    public static IReadOnlyList<ModelBenchmark> All { get; } =
    [
        new("MCG-NJU/videomae-base-finetuned-kinetics", VideoMAEBase),
    ];

    private static PreparedForward VideoMAEBase(ScalarType dtype, int batch)
    {
        var config = new VideoMAEConfig { NumLabels = 400 };
        var model = new VideoMAEForVideoClassification(config);
        model.Place(new ModelLoadOptions { DType = dtype });
        model.eval();
        var pixels = randn(new long[] { batch, config.NumFrames, 3, config.ImageSize, config.ImageSize });
        var tokens = (double)config.NumPatches;
        var gflops = (TransformerFlops.Encoder(batch, tokens, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers)
            + TransformerFlops.Linear(batch * tokens, 3 * config.TubeletSize * config.PatchSize * config.PatchSize, config.HiddenSize)) / 1e9;
        return new PreparedForward(() =>
        {
            using var inference = inference_mode();
            using var output = model.Forward(pixels);
        }, gflops, model, pixels);
    }
}
