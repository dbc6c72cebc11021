using System.Globalization;
using SharpVL.Processing.Video;

namespace SharpVL.Cli.Output;

/// <summary>One label of a classification result as the CLI prints it.</summary>
/// <param name="Label">The label text.</param>
/// <param name="Index">Class index (id2label key, or position among the candidate labels).</param>
/// <param name="Score">Probability.</param>
/// <param name="Logit">The raw logit, for commands that report it.</param>
/// <param name="Prompt">The prompt the label became (zero-shot commands with a template).</param>
internal sealed record LabelRecord(string Label, int Index, double Score, double? Logit = null, string? Prompt = null)
{
    /// <summary>A label from a pipeline's float32 values, kept at float precision (0.5638 rather than 0.56379997730255127).</summary>
    public static LabelRecord FromFloat(string label, int index, float score, float? logit = null, string? prompt = null)
        => new(label, index, Shortest(score), logit is float l ? Shortest(l) : null, prompt);

    /// <summary>The double whose shortest decimal form equals the float's (non-finite values stay non-finite).</summary>
    public static double Shortest(float value)
        => float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;
}

/// <summary>
/// What a command produced for one input: a result (frames used, labels) or an error. Every output format (table,
/// JSON, JSON Lines, CSV, HTML report) is written from these records, so all commands share one shape.
/// </summary>
internal sealed class InputRecord
{
    /// <summary>The input file as the user named it.</summary>
    public required string Input { get; init; }

    /// <summary>Frames of the video the model saw (null for images).</summary>
    public IReadOnlyList<int>? FrameIndices { get; init; }

    /// <summary>Labels, most probable first (null for a failed input).</summary>
    public IReadOnlyList<LabelRecord>? Labels { get; init; }

    /// <summary>One line saying why the input failed; null when it succeeded.</summary>
    public string? Error { get; init; }

    /// <summary>Problems that did not stop the input (decode errors, non-finite values, ...).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Command-specific extra fields for JSON output (e.g. every class's logit).</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();

    /// <summary>True when the input succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Adds a warning with the decode-error counts when <paramref name="damage"/> is not clean; returns this record.</summary>
    public InputRecord WithDamage(DecodeReport damage)
    {
        ArgumentNullException.ThrowIfNull(damage);
        if (!damage.IsClean)
        {
            Warnings.Add($"damaged video stream: {damage.Summary()}; the result may differ from an intact file's (--strict makes this an error).");
        }
        return this;
    }

    /// <summary>An error record for <paramref name="input"/>.</summary>
    public static InputRecord Failed(string input, string error) => new() { Input = input, Error = error };
}

/// <summary>Counts that close a run.</summary>
/// <param name="Inputs">Inputs attempted (including those whose arguments named no file).</param>
/// <param name="Succeeded">Inputs with a result.</param>
/// <param name="Failed">Inputs with an error record.</param>
/// <param name="FatalError">Set when the run stopped early (model failed to load, cancellation, ...).</param>
/// <param name="Files">Files the run wrote (e.g. embeddings), if any.</param>
internal sealed record RunSummary(int Inputs, int Succeeded, int Failed, string? FatalError = null, IReadOnlyList<string>? Files = null);
