using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SharpVL.Pipelines;

namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// Factories for the options the commands share, each with a parser that reports a bad value in plain words
/// (<c>--top-k: 'abc' is not a whole number</c>) instead of .NET type names.
/// </summary>
internal static class CliOptions
{
    /// <summary><c>--model</c>: a model directory or Hub id.</summary>
    public static Option<string> Model(string description = "Model directory or Hub id (org/name[@revision]).")
        => new("--model", "-m") { Description = description, Required = true, HelpName = "dir|id" };

    /// <summary><c>--device</c>: cpu, cuda or cuda:N (checked here, so a typo is a usage error, not a libtorch message).</summary>
    public static Option<string?> Device()
    {
        var option = new Option<string?>("--device") { Description = "cpu (default), cuda or cuda:N.", HelpName = "cpu|cuda[:N]" };
        option.CustomParser = result =>
        {
            var value = result.Tokens.Single().Value.Trim().ToLowerInvariant();
            if (value is "cpu" or "cuda" || (value.StartsWith("cuda:", StringComparison.Ordinal)
                && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                return value;
            }
            result.AddError($"--device: '{result.Tokens.Single().Value}' is not a device; use cpu, cuda or cuda:N (e.g. cuda:0).");
            return null;
        };
        return option;
    }

    /// <summary><c>--dtype</c>: float32, bfloat16, float16 (float64 for tests).</summary>
    public static Option<string?> DType()
    {
        var option = new Option<string?>("--dtype") { Description = "float32 (default), bfloat16 or float16.", HelpName = "type" };
        option.CustomParser = result =>
        {
            var value = result.Tokens.Single().Value;
            try
            {
                Runtime.TorchRuntime.ParseDType(value);
                return value;
            }
            catch (ArgumentException)
            {
                result.AddError($"--dtype: '{value}' is not a dtype; use float32, bfloat16 or float16.");
                return null;
            }
        };
        return option;
    }

    /// <summary>A whole-number option of at least <paramref name="minimum"/>.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int minimum)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n" };
        option.CustomParser = result => ParseInt(result, name, minimum) ?? defaultValue;
        return option;
    }

    /// <summary>A whole-number option without a default.</summary>
    public static Option<int?> OptionalInt(string name, string description, int minimum)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "n" };
        option.CustomParser = result => ParseInt(result, name, minimum);
        return option;
    }

    /// <summary><c>--top-k</c>: how many labels per input; 0 means all (the same rule in every command).</summary>
    public static Option<int> TopK(int defaultValue)
        => Int("--top-k", $"How many labels to show per input, most probable first; 0 = all. [default: {(defaultValue == 0 ? "0 (all)" : defaultValue)}]", defaultValue, 0);

    /// <summary><c>--batch-size</c>: inputs per forward pass.</summary>
    public static Option<int> BatchSize(int defaultValue)
        => Int("--batch-size", $"Inputs per forward pass. [default: {defaultValue}]", defaultValue, 1);

    /// <summary>The pipelines' top-k for the option: 0 means all labels (null).</summary>
    public static int? TopKOrAll(int topK) => topK == 0 ? null : topK;

    private static int? ParseInt(ArgumentResult result, string name, int minimum)
    {
        var text = result.Tokens.Single().Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{text}' is not a whole number.");
            return null;
        }
        if (value < minimum)
        {
            result.AddError($"{name}: {value} is too small (at least {minimum}).");
            return null;
        }
        return value;
    }
}

/// <summary>
/// The frame options of the video commands, parsed one way (invariant culture): <c>--frame-indices</c>, or
/// <c>--sample-rate</c> with <c>--seed</c>, else the default (centres of equal segments).
/// </summary>
internal sealed class FrameOptions
{
    public Option<string?> Indices { get; } = new("--frame-indices")
    {
        Description = "Exact frame indices, comma-separated (e.g. 4,16,28,40); as many as the model takes.",
        HelpName = "i,j,...",
    };

    public Option<int?> SampleRate { get; } = CliOptions.OptionalInt(
        "--sample-rate", "Transformers docs' sample_frame_indices with this frame_sample_rate (random window; see --seed).", 1);

    public Option<int?> Seed { get; } = CliOptions.OptionalInt("--seed", "Seed for --sample-rate (numpy-compatible: np.random.seed).", 0);

    /// <summary>Adds the options to <paramref name="command"/> (<paramref name="sampling"/>: also --sample-rate/--seed).</summary>
    public void AddTo(Command command, bool sampling = true)
    {
        command.Options.Add(Indices);
        if (sampling)
        {
            command.Options.Add(SampleRate);
            command.Options.Add(Seed);
        }
    }

    /// <summary>The selection the options describe (null: the pipeline's default).</summary>
    public FrameSelection? Selection(ParseResult parse)
    {
        var indices = parse.GetValue(Indices);
        var sampleRate = parse.GetValue(SampleRate);
        if (indices is not null && sampleRate is not null)
        {
            throw new UsageException("--frame-indices and --sample-rate cannot be used together.");
        }
        if (parse.GetValue(Seed) is not null && sampleRate is null)
        {
            throw new UsageException("--seed only applies with --sample-rate.");
        }
        if (indices is not null)
        {
            try
            {
                return FrameSelection.Parse(indices);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--frame-indices: {e.Message}");
            }
        }
        return sampleRate is int rate ? FrameSelection.Sampled(rate, parse.GetValue(Seed)) : null;
    }
}
