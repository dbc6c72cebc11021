using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpVL.Training;

/// <summary>Where a run stands (Transformers' <c>trainer_state.json</c>): saved with every checkpoint, read on resume.</summary>
public sealed class TrainerState
{
    /// <summary>Optimizer steps taken.</summary>
    [JsonPropertyName("global_step")]
    public long GlobalStep { get; set; }

    /// <summary>Epochs completed, with the fraction of the current one.</summary>
    [JsonPropertyName("epoch")]
    public double Epoch { get; set; }

    /// <summary>Optimizer steps the whole run takes.</summary>
    [JsonPropertyName("max_steps")]
    public long MaxSteps { get; set; }

    /// <summary>Optimizer steps per epoch.</summary>
    [JsonPropertyName("steps_per_epoch")]
    public long StepsPerEpoch { get; set; }

    /// <summary>The run's seed.</summary>
    [JsonPropertyName("seed")]
    public int Seed { get; set; }

    /// <summary>Best value of the main evaluation metric so far.</summary>
    [JsonPropertyName("best_metric")]
    public double? BestMetric { get; set; }

    /// <summary>Step of the evaluation that gave <see cref="BestMetric"/>.</summary>
    [JsonPropertyName("best_step")]
    public long? BestStep { get; set; }

    /// <summary>Evaluations in a row without improvement (early stopping).</summary>
    [JsonPropertyName("evaluations_without_improvement")]
    public int EvaluationsWithoutImprovement { get; set; }

    /// <summary>The model the run started from.</summary>
    [JsonPropertyName("base_model")]
    public string? BaseModel { get; set; }

    /// <summary>Every logged record (training steps and evaluations), oldest first.</summary>
    [JsonPropertyName("log_history")]
    public List<Dictionary<string, double?>> LogHistory { get; set; } = [];

    /// <summary>The training losses of the logged steps, in step order.</summary>
    [JsonIgnore]
    public IReadOnlyList<(long Step, double Loss)> Losses =>
        [.. LogHistory.Where(r => r.ContainsKey("loss") && r["loss"] is not null && r.ContainsKey("step")).Select(r => ((long)r["step"]!.Value, r["loss"]!.Value))];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The state as JSON (non-finite numbers as the strings "NaN"/"Infinity", as Python's json writes them unquoted).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">Not a trainer state.</exception>
    public static TrainerState FromJson(string json) => JsonSerializer.Deserialize<TrainerState>(json, Options)
        ?? throw new JsonException("trainer_state.json is empty.");
}
