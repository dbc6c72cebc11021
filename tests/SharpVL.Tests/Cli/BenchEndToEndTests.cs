using System.Globalization;
using System.Text.Json;
using SharpVL.Cli.Benchmarking;
using SharpVL.Cli.Commands;
using SharpVL.Modeling;
using SharpVL.Pipelines;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Tests.Cli;

/// <summary>
/// The end-to-end rows of <c>sharpvl bench --only e2e</c>, run on the tiny fixture models: each row carries the folder
/// throughput, the model-only throughput and their ratio in its JSON fields, consistent with its timing and its text.
/// </summary>
public class BenchEndToEndTests
{
    private static readonly string Clip = TestPaths.Fixture("media/clip.mp4");

    [Fact]
    public void ZeroShotRowHasFolderAndModelThroughputAndTheirRatio()
    {
        using var pipeline = ZeroShotVideoClassificationPipeline.FromPretrained(TestPaths.Fixture("models/xclip-tiny"), ModelLoadOptions.Quiet);
        var row = EndToEnd.ZeroShot("zero-shot folder end-to-end (xclip-tiny)", ScalarType.Float32, pipeline, [Clip, Clip, Clip], 2, ["cooking", "dancing", "swimming"]);
        CheckRow(row, "zero-shot folder end-to-end (xclip-tiny)", videos: 3, batch: 2);
        Assert.Equal(2, pipeline.BatchSize);
    }

    [Fact]
    public void ClassifyRowHasFolderAndModelThroughputAndTheirRatio()
    {
        using var pipeline = VideoClassificationPipeline.FromPretrained(TestPaths.Fixture("models/videomae-tiny-kinetics"), ModelLoadOptions.Quiet);
        var row = EndToEnd.Classify("classify folder end-to-end (videomae-tiny)", ScalarType.Float32, pipeline, [Clip, Clip, Clip], 2);
        CheckRow(row, "classify folder end-to-end (videomae-tiny)", videos: 3, batch: 2);
    }

    [Fact]
    public void OtherRowsHaveNoEndToEndFields()
    {
        var json = JsonSerializer.SerializeToElement(BenchCommand.ToJson(new BenchRow("CLIP tokenizer, 10,000 captions", "-", 0, 0.5, 0.4, 0.6, 0, null, "20000 captions/s")));
        foreach (var field in new[] { "e2e_videos_per_s", "model_videos_per_s", "e2e_fraction", "e2e_decoder" })
        {
            Assert.Equal(JsonValueKind.Null, json.GetProperty(field).ValueKind);
        }
    }

    private static void CheckRow(BenchRow row, string name, int videos, int batch)
    {
        var json = JsonSerializer.SerializeToElement(BenchCommand.ToJson(row));
        Assert.Equal(name, json.GetProperty("name").GetString());
        Assert.Equal("float32", json.GetProperty("dtype").GetString());
        Assert.Equal(Fp32Kernels.Name(Fp32Kernels.Current), json.GetProperty("backend").GetString());
        Assert.Equal(batch, json.GetProperty("batch").GetInt32());
        var seconds = json.GetProperty("median_s").GetDouble();
        Assert.True(seconds > 0);
        Assert.Equal(seconds, json.GetProperty("min_s").GetDouble());
        Assert.Equal(seconds, json.GetProperty("max_s").GetDouble());
        var folder = json.GetProperty("e2e_videos_per_s").GetDouble();
        var model = json.GetProperty("model_videos_per_s").GetDouble();
        Assert.Equal(videos / seconds, folder, 9);
        Assert.True(model > 0 && double.IsFinite(model));
        Assert.Equal(folder / model, json.GetProperty("e2e_fraction").GetDouble(), 12);
        var culture = CultureInfo.InvariantCulture;
        Assert.Equal(string.Create(culture, $"{folder:0.00} videos/s"), json.GetProperty("throughput").GetString());
        Assert.Equal("worker", json.GetProperty("e2e_decoder").GetString());
        Assert.Equal(string.Create(culture, $"model only {model:0.00} videos/s; folder run keeps {folder / model:P0}; decoder: worker"),
            json.GetProperty("notes").GetString());
    }
}
