using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpVL.Training;

/// <summary>
/// The output folder of a training run: refuses one that holds another model (never overwritten unless asked) and
/// records which model a run started from (<c>training_args.json</c>), so re-running or resuming into it is allowed.
/// </summary>
public static class TrainingOutput
{
    /// <summary>The file naming the run's base model and settings.</summary>
    public const string ArgumentsFile = "training_args.json";

    /// <summary>
    /// Checks that <paramref name="directory"/> is missing, empty, or holds a run started from
    /// <paramref name="baseModel"/>; with <paramref name="overwrite"/> anything is accepted.
    /// </summary>
    /// <exception cref="TrainingCheckpointException">The folder holds a different model or other files.</exception>
    public static void EnsureUsable(string directory, string baseModel, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (overwrite || !Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            return;
        }
        if (File.Exists(Path.Combine(directory, "config.json")) || File.Exists(Path.Combine(directory, ArgumentsFile)))
        {
            var previous = BaseModelOf(directory);
            if (previous is not null && SameModel(previous, baseModel))
            {
                return;
            }
            throw new TrainingCheckpointException(
                $"{directory}: already holds a different model ({previous ?? "not trained from " + baseModel}); choose another --output or pass --overwrite.",
                directory);
        }
        throw new TrainingCheckpointException($"{directory}: is not empty and holds no training run; choose another --output or pass --overwrite.", directory);
    }

    /// <summary>Writes <c>training_args.json</c>: the base model and the given settings.</summary>
    public static void WriteArguments(string directory, string baseModel, IReadOnlyDictionary<string, object?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(directory);
        var node = new JsonObject { ["base_model"] = baseModel };
        foreach (var (name, value) in settings)
        {
            node[name] = value is null ? null : JsonSerializer.SerializeToNode(value);
        }
        File.WriteAllText(Path.Combine(directory, ArgumentsFile), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The base model recorded in <paramref name="directory"/>, or null.</summary>
    public static string? BaseModelOf(string directory)
    {
        var path = Path.Combine(directory, ArgumentsFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.TryGetProperty("base_model", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool SameModel(string a, string b)
        => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static string Normalize(string model) => Directory.Exists(model) ? Path.GetFullPath(model).TrimEnd(Path.DirectorySeparatorChar) : model;
}
