using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SharpVL.Configuration;

/// <summary>
/// The fields every Transformers configuration shares (<c>PretrainedConfig</c> in Python). Family configs derive
/// from it and add their own typed fields; keys no class knows are kept in <see cref="ExtraFields"/> and written
/// back on save, as Transformers keeps them as attributes.
/// </summary>
public abstract class PretrainedConfig
{
    private Dictionary<int, string>? _id2Label;
    private int? _numLabels;

    /// <summary>The <c>model_type</c> this class reads and writes (e.g. <c>videomae</c>).</summary>
    [JsonIgnore]
    public abstract string ModelTypeName { get; }

    /// <summary><c>model_type</c> as found in the file (validated against <see cref="ModelTypeName"/> on load).</summary>
    public string? ModelType { get; set; }

    /// <summary>Whether models return output objects (always true in SharpVL; kept for round trips).</summary>
    public bool ReturnDict { get; set; } = true;

    /// <summary>Default for the forward argument <c>output_hidden_states</c>.</summary>
    public bool OutputHiddenStates { get; set; }

    /// <summary>Default for the forward argument <c>output_attentions</c>.</summary>
    public bool OutputAttentions { get; set; }

    /// <summary>The dtype the weights were saved in (<c>float32</c>, <c>bfloat16</c>, ...), if recorded.</summary>
    public string? TorchDtype { get; set; }

    /// <summary>The model classes the checkpoint was saved from.</summary>
    public List<string>? Architectures { get; set; }

    /// <summary>Task type for the classification loss: <c>regression</c>, <c>single_label_classification</c> or <c>multi_label_classification</c>.</summary>
    public string? ProblemType { get; set; }

    /// <summary>Chunking of feed-forward layers (0 = none); kept for round trips.</summary>
    public int ChunkSizeFeedForward { get; set; }

    /// <summary>Padding token id, if the model has one.</summary>
    public long? PadTokenId { get; set; }

    /// <summary>Beginning-of-sequence token id.</summary>
    public long? BosTokenId { get; set; }

    /// <summary>End-of-sequence token id.</summary>
    public long? EosTokenId { get; set; }

    /// <summary>The Transformers version that wrote the file.</summary>
    public string? TransformersVersion { get; set; }

    /// <summary>Label names by class index. Defaults to <c>LABEL_0</c>.. <c>LABEL_{num_labels-1}</c>.</summary>
    [JsonPropertyName("id2label")]
    public Dictionary<int, string> Id2Label
    {
        // A negative num_labels is reported by Validate; until then it names no labels.
        get => _id2Label ??= Enumerable.Range(0, Math.Max(0, _numLabels ?? 2)).ToDictionary(i => i, i => $"LABEL_{i}");
        set => _id2Label = value;
    }

    /// <summary>Class index by label name (the inverse of <see cref="Id2Label"/> unless the file says otherwise).</summary>
    [JsonPropertyName("label2id")]
    public Dictionary<string, int>? Label2Id { get; set; }

    /// <summary>Number of classes: the size of <see cref="Id2Label"/>; setting it resets the labels to <c>LABEL_i</c>.</summary>
    [JsonIgnore]
    public int NumLabels
    {
        get => _id2Label?.Count ?? _numLabels ?? 2;
        set
        {
            _numLabels = value;
            if (_id2Label is null || _id2Label.Count != value)
            {
                _id2Label = null;
                Label2Id = null;
            }
        }
    }

    /// <summary>
    /// <c>num_labels</c> as written in a file (Transformers derives it from <c>id2label</c>, which wins when both exist).
    /// Use <see cref="NumLabels"/> in code.
    /// </summary>
    [JsonPropertyName("num_labels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public int? NumLabelsInFile { get => null; set => _numLabelsInFile = value; }

    private int? _numLabelsInFile;

    /// <summary>Keys of config.json that no typed property reads; written back unchanged.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> ExtraFields { get; set; } = [];

    /// <summary>Label name of class <paramref name="index"/>, or <c>LABEL_{index}</c> when unnamed.</summary>
    public string LabelOf(int index) => Id2Label.TryGetValue(index, out var name) ? name : $"LABEL_{index}";

    /// <summary>The file this config was read from, or null for a config built in code.</summary>
    [JsonIgnore]
    internal string? SourcePath { get; set; }

    /// <summary>How error messages name this config: its file, or its class for a config built in code.</summary>
    [JsonIgnore]
    internal string SourceName
    {
        get => _sourceName ?? SourcePath ?? $"{GetType().Name} (built in code)";
        set => _sourceName = value;
    }

    private string? _sourceName;

    /// <summary>Rules bound to this config's file, for <see cref="OnLoaded"/> overrides that check what they derive.</summary>
    private protected ConfigRules Rules => new(SourceName, SourcePath);

    /// <summary>
    /// Checks every field: dimensions positive, within <see cref="ConfigLimits"/> and divisible where the model needs it;
    /// probabilities in [0, 1]; epsilons finite and positive; names among the supported ones. Runs when a config is
    /// read and again before a model is built from it (configs built or edited in code included).
    /// </summary>
    /// <exception cref="ConfigException">A field no model can be built with; the message names the file and the field.</exception>
    public void Validate() => ValidateFields(Rules);

    /// <summary>
    /// A lower bound on the parameters (and fixed buffers) every model of this config holds, from its dimensions alone,
    /// so that a config asking for more memory than the machine has is refused before any module is built. 0 when the
    /// class does not say.
    /// </summary>
    public virtual long EstimateParameterCount() => 0;

    /// <summary>Declares the checks of this config's fields (derived classes call the base first).</summary>
    /// <param name="rules">Checks bound to the file and to the field prefix of a sub-config.</param>
    protected internal virtual void ValidateFields(ConfigRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Count("num_labels", NumLabels, ConfigLimits.MaxLabels);
        rules.Require(_id2Label is null || _id2Label.Keys.All(k => k >= 0), "id2label", "must map non-negative class indices");
        rules.Count("chunk_size_feed_forward", ChunkSizeFeedForward, ConfigLimits.MaxSequence);
        rules.OneOf("problem_type", ProblemType, ["regression", "single_label_classification", "multi_label_classification"], allowNull: true);
    }

    /// <summary>Called after deserialization: applies Transformers' derived defaults (checks come after, in <see cref="ValidateFields"/>).</summary>
    protected internal virtual void OnLoaded()
    {
        if (_numLabelsInFile is int numLabels && _id2Label is null)
        {
            NumLabels = numLabels;
        }
        if (ModelType is not null && !string.Equals(ModelType, ModelTypeName, StringComparison.Ordinal))
        {
            throw Rules.Fail("model_type", $"is '{TextForMessages.Printable(ModelType)}', but {GetType().Name} reads '{ModelTypeName}' configs");
        }
        ModelType = ModelTypeName;
    }

    /// <summary>Serializes this config as Transformers' <c>config.json</c> (snake_case keys, sorted).</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, GetType(), ConfigJson.Options)!.AsObject();
        node["label2id"] ??= JsonSerializer.SerializeToNode(Label2Id ?? Id2Label.ToDictionary(p => p.Value, p => p.Key));
        var sorted = new JsonObject();
        foreach (var (key, value) in node.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sorted[key] = value?.DeepClone();
        }
        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes <c>config.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void SavePretrained(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), ToJson() + "\n");
    }
}
