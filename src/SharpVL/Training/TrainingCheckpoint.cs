using SharpVL.Checkpoints;
using SharpVL.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>
/// A resumable checkpoint directory (<c>checkpoint-&lt;step&gt;</c>) in Hugging Face layout: <c>config.json</c> with
/// the run's labels and <c>model.safetensors</c> (float32 master weights under bf16 training) plus the processor and
/// tokenizer files the model came with, so the directory loads as a model in SharpVL and Transformers; and what a
/// resume needs: <c>optimizer.bin</c> (AdamW moments and step counts, TorchSharp's state-dict format),
/// <c>rng_state.safetensors</c> (the torch CPU generator) and <c>trainer_state.json</c>.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The processor and tokenizer files copied from the source model, when it has them.</summary>
    public static IReadOnlyList<string> ProcessorFiles { get; } =
    [
        "preprocessor_config.json", "processor_config.json", "tokenizer_config.json", "tokenizer.json", "special_tokens_map.json",
        "added_tokens.json", "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model", "vocab.txt",
    ];

    /// <summary>Name of the trainer state file.</summary>
    public const string StateFile = "trainer_state.json";

    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng_state.safetensors";

    /// <summary>
    /// Writes the model, its processor files and <c>config.json</c> to <paramref name="directory"/> (a loadable model
    /// directory; no training state).
    /// </summary>
    public static void SaveModel(string directory, TrainingTask task, MasterWeights? masters)
    {
        ArgumentNullException.ThrowIfNull(task);
        Directory.CreateDirectory(directory);
        var model = task.Model;
        task.PrepareConfigForSave();
        var config = model.GenericConfig;
        config.Architectures = [model.GetType().Name];
        config.TorchDtype = TorchRuntime.DTypeName(masters is null ? model.DType : ScalarType.Float32);
        var state = masters?.StateDict(model) ?? model.state_dict();
        SafeTensorsWriter.Save(Path.Combine(directory, "model.safetensors"), state, new Dictionary<string, string> { ["format"] = "pt" });
        config.SavePretrained(directory);
        foreach (var name in ProcessorFiles)
        {
            var source = Path.Combine(task.SourceDirectory, name);
            if (File.Exists(source) && !string.Equals(Path.GetFullPath(source), Path.GetFullPath(Path.Combine(directory, name)), StringComparison.Ordinal))
            {
                File.Copy(source, Path.Combine(directory, name), overwrite: true);
            }
        }
    }

    /// <summary>
    /// Writes a complete checkpoint to <paramref name="directory"/>: built under a temporary name and renamed, so a crash
    /// never leaves a partial checkpoint behind.
    /// </summary>
    public static void Save(
        string directory, TrainingTask task, MasterWeights? masters, OptimizerHelper optimizer, TrainerState state, Tensor rngState)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var full = Path.GetFullPath(directory);
        var temporary = full + ".partial";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }
        SaveModel(temporary, task, masters);
        optimizer.save_state_dict(Path.Combine(temporary, OptimizerFile));
        SafeTensorsWriter.Save(Path.Combine(temporary, RngFile), [new KeyValuePair<string, Tensor>("cpu", rngState)]);
        File.WriteAllText(Path.Combine(temporary, StateFile), state.ToJson());
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
        Directory.Move(temporary, full);
    }

    /// <summary>Whether <paramref name="directory"/> holds a resumable checkpoint.</summary>
    public static bool IsCheckpoint(string directory)
        => File.Exists(Path.Combine(directory, StateFile)) && File.Exists(Path.Combine(directory, OptimizerFile));

    /// <summary>Reads a checkpoint's trainer state.</summary>
    /// <exception cref="TrainingCheckpointException">Not a resumable checkpoint.</exception>
    public static TrainerState ReadState(string directory)
    {
        if (!IsCheckpoint(directory))
        {
            throw new TrainingCheckpointException($"{directory}: not a resumable checkpoint (no {StateFile} and {OptimizerFile}).", directory);
        }
        try
        {
            return TrainerState.FromJson(File.ReadAllText(Path.Combine(directory, StateFile)));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new TrainingCheckpointException($"{Path.Combine(directory, StateFile)}: not a trainer state ({e.Message}).", directory, e);
        }
    }

    /// <summary>
    /// Restores the model weights (into the masters under mixed precision), the optimizer state and the torch RNG from
    /// <paramref name="directory"/>, and returns the trainer state.
    /// </summary>
    public static TrainerState Load(string directory, TrainingTask task, MasterWeights? masters, OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = ReadState(directory);
        using (var source = CheckpointFiles.Open(directory))
        {
            if (masters is null)
            {
                task.Model.LoadWeights(source, directory, Modeling.ModelLoadOptions.Quiet);
            }
            else
            {
                var weights = source.Keys.ToDictionary(k => k, source.ReadTensor);
                try
                {
                    task.Model.LoadWeights(source, directory, Modeling.ModelLoadOptions.Quiet);
                    masters.Load(weights);
                }
                finally
                {
                    foreach (var tensor in weights.Values)
                    {
                        tensor.Dispose();
                    }
                }
            }
        }
        optimizer.load_state_dict(Path.Combine(directory, OptimizerFile));
        using (var rng = SafeTensorsFile.Open(Path.Combine(directory, RngFile)))
        {
            using var cpu = rng.ReadTensor("cpu");
            set_rng_state(cpu);
        }
        return state;
    }
}
