using System.Text.Json;
using SharpVL.Models.VideoMAE;
using SharpVL.Training;
using SharpVL.Training.Data;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>The Trainer fine-tuning the tiny VideoMAE classifier on a folder built from the fixture media.</summary>
public class TrainerTests
{
    private static TrainerOptions Options(string output) => new()
    {
        OutputDirectory = output,
        Epochs = 2,
        BatchSize = 2,
        LearningRate = 1e-3,
        WarmupRatio = 0.25,
        Seed = 7,
    };

    [Fact]
    public void FineTunesSavesAReloadableModelWithTheNewLabelsAndTheSamePredictions()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        using var task = TrainingWorkspace.LoadTask(data);
        var output = workspace.Output("run");
        var result = new Trainer(task, Options(output)).Train(data, eval: data);

        Assert.False(result.Interrupted);
        Assert.Equal(4, result.State.GlobalStep);
        Assert.Equal(4, result.State.Losses.Count);
        Assert.All(result.State.Losses, l => Assert.True(double.IsFinite(l.Loss) && l.Loss > 0));
        Assert.True(TrainingCheckpoint.IsCheckpoint(Path.Combine(output, "checkpoint-4")));
        Assert.NotNull(result.LastEvaluation);
        Assert.InRange(result.LastEvaluation!["eval_accuracy"], 0, 1);
        Assert.Equal(1.0, result.LastEvaluation["eval_top5_accuracy"]);

        // metrics.jsonl: one valid JSON object per step and per evaluation.
        var lines = File.ReadAllLines(Path.Combine(output, Trainer.MetricsFile));
        Assert.Equal(6, lines.Length);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, records.Count(r => r.GetProperty("type").GetString() == "train"));
        Assert.Equal(result.State.Losses[0].Loss, records[0].GetProperty("loss").GetDouble());

        // The saved directory reloads with the new labels, the processor alongside, and predicts what the trained model does.
        Assert.True(File.Exists(Path.Combine(output, "preprocessor_config.json")));
        using var reloaded = VideoMAEForVideoClassification.FromPretrained(output, TrainingWorkspace.Quiet);
        Assert.Equal(new Dictionary<int, string> { [0] = "cooking", [1] = "music" }, reloaded.Config.Id2Label);
        Assert.Empty(reloaded.LoadReport!.MissingKeys);
        var batch = task.Clips.Load(data.Examples, null).ToTensor();
        using var noGrad = no_grad();
        task.Model.eval();
        var trained = ((VideoMAEForVideoClassification)task.Model).Forward(batch).Logits;
        var again = reloaded.Forward(batch).Logits;
        Assert.Equal(trained.data<float>().ToArray(), again.data<float>().ToArray());
    }

    [Fact]
    public void ResumeAfterAnInterruptContinuesAtTheSameStepWithTheSameLosses()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        TrainingResult uninterrupted;
        using (var task = TrainingWorkspace.LoadTask(data))
        {
            uninterrupted = new Trainer(task, Options(workspace.Output("full"))).Train(data);
        }

        TrainingResult interrupted;
        using (var task = TrainingWorkspace.LoadTask(data))
        {
            using var cancel = new CancellationTokenSource();
            var trainer = new Trainer(task, Options(workspace.Output("cut")) with { BatchSize = 2 });
            // "Ctrl+C" after the first step: the run stops before the next batch and saves a checkpoint.
            trainer.OnLog = r => { if (r["step"] == 1) { cancel.Cancel(); } };
            interrupted = trainer.Train(data, cancellationToken: cancel.Token);
        }
        Assert.True(interrupted.Interrupted);
        Assert.Equal(1, interrupted.State.GlobalStep);
        Assert.EndsWith("checkpoint-1", interrupted.LastCheckpoint);

        TrainingResult resumed;
        using (var task = TrainingWorkspace.LoadTask(data))
        {
            resumed = new Trainer(task, Options(workspace.Output("cut"))).Train(data, resumeFrom: interrupted.LastCheckpoint);
        }
        Assert.Equal(uninterrupted.State.GlobalStep, resumed.State.GlobalStep);
        Assert.Equal(uninterrupted.State.Losses, resumed.State.Losses);
        using var a = SharpVL.Checkpoints.SafeTensorsFile.Open(Path.Combine(workspace.Output("full"), "model.safetensors"));
        using var b = SharpVL.Checkpoints.SafeTensorsFile.Open(Path.Combine(workspace.Output("cut"), "model.safetensors"));
        foreach (var key in a.Keys)
        {
            using var x = a.ReadTensor(key);
            using var y = b.ReadTensor(key);
            Assert.True(x.equal(y).all().item<bool>(), key);
        }
    }

    [Fact]
    public void GradientAccumulationMatchesOneLargerBatch()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        Dictionary<string, Tensor> Run(int batchSize, int accumulation, string name)
        {
            using var task = TrainingWorkspace.LoadTask(data);
            var options = Options(workspace.Output(name)) with { Epochs = 1, BatchSize = batchSize, GradientAccumulationSteps = accumulation };
            new Trainer(task, options).Train(data);
            return task.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        }
        var large = Run(2, 1, "large");
        var accumulated = Run(1, 2, "accumulated");
        foreach (var (name, value) in large)
        {
            Assert.True(value.allclose(accumulated[name], rtol: 1e-4, atol: 1e-5), name);
        }
        foreach (var tensor in large.Values.Concat(accumulated.Values))
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void Bfloat16TrainingKeepsFloat32MasterWeightsAndSavesThem()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        using var task = TrainingWorkspace.LoadTask(data);
        var output = workspace.Output("bf16");
        var result = new Trainer(task, Options(output) with { Epochs = 1, ComputeDType = ScalarType.BFloat16 }).Train(data);
        Assert.All(result.State.Losses, l => Assert.True(double.IsFinite(l.Loss)));
        // The body computes in bf16 (the head stays float32); the saved weights are the float32 masters.
        Assert.Equal(ScalarType.BFloat16, task.Model.named_parameters().First(p => p.name.StartsWith("videomae.", StringComparison.Ordinal)).parameter.dtype);
        using var saved = SharpVL.Checkpoints.SafeTensorsFile.Open(Path.Combine(output, "model.safetensors"));
        var key = "videomae.encoder.layer.0.attention.attention.query.weight";
        using var master = saved.ReadTensor(key);
        Assert.Equal(ScalarType.Float32, master.dtype);
        var inModel = task.Model.state_dict()[key];
        Assert.True(master.to(ScalarType.BFloat16).equal(inModel).all().item<bool>());
        Assert.False(master.equal(inModel.to(ScalarType.Float32)).all().item<bool>());
    }

    [Fact]
    public void EarlyStoppingEndsTheRunWhenTheMetricStopsImproving()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        using var task = TrainingWorkspace.LoadTask(data);
        // No change of accuracy can beat a threshold of 2: the second evaluation is one without improvement.
        var options = Options(workspace.Output("early")) with { Epochs = 5, EarlyStoppingPatience = 1, EarlyStoppingThreshold = 2 };
        var result = new Trainer(task, options).Train(data, eval: data);
        Assert.True(result.StoppedEarly);
        Assert.Equal(4, result.State.GlobalStep);
        Assert.Equal(2, result.State.BestStep);
        Assert.Equal(2, result.State.LogHistory.Count(r => r.ContainsKey("eval_loss")));
        Assert.True(File.Exists(Path.Combine(workspace.Output("early"), "model.safetensors")));
    }

    [Fact]
    public void FineTunesTvltOnTheVideoAndItsSoundtrack()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.AudioVisualData());
        using var task = TrainingWorkspace.LoadTask(data, model: TestPaths.Fixture("models/tvlt-tiny-avclassification"));
        Assert.IsType<TvltClassificationTask>(task);
        var output = workspace.Output("tvlt");
        var result = new Trainer(task, Options(output) with { Epochs = 1 }).Train(data, eval: data);
        Assert.Equal(2, result.State.GlobalStep);
        Assert.All(result.State.Losses, l => Assert.True(double.IsFinite(l.Loss) && l.Loss > 0));
        Assert.Equal(1.0, result.LastEvaluation!["eval_top5_accuracy"]);
        using var reloaded = SharpVL.Models.Tvlt.TvltForAudioVisualClassification.FromPretrained(output, TrainingWorkspace.Quiet);
        Assert.Equal(new Dictionary<int, string> { [0] = "cooking", [1] = "music" }, reloaded.Config.Id2Label);
        Assert.Empty(reloaded.LoadReport!.MissingKeys);
    }
}
