using static TorchSharp.torch;

namespace SharpVL.Parity;

/// <summary>What a case handler produced: named output tensors to compare with the expected file, or finished comparisons.</summary>
public sealed class HandlerResult : IDisposable
{
    /// <summary>Outputs under the manifest's flattened names.</summary>
    public Dictionary<string, Tensor> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Comparisons the handler made itself (e.g. token ids from a JSON case file).</summary>
    public List<TensorComparison> Comparisons { get; } = [];

    /// <summary>Adds outputs.</summary>
    public HandlerResult With(IEnumerable<KeyValuePair<string, Tensor>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var (key, value) in outputs)
        {
            Outputs[key] = value;
        }
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in Outputs.Values)
        {
            tensor.Dispose();
        }
    }
}

/// <summary>Runs one case: gets the case, its manifest and its input tensors (empty when the case has none).</summary>
public delegate HandlerResult CaseHandler(FixtureCase fixtureCase, FixtureManifest manifest, IReadOnlyDictionary<string, Tensor> inputs);

/// <summary>Case handlers by kind and target (class name for model/processor/tokenizer cases, pipeline name, or <c>*</c>).</summary>
public sealed class ParityRegistry
{
    private readonly Dictionary<(string Kind, string Target), CaseHandler> _handlers = [];

    /// <summary>Registers <paramref name="handler"/> for cases of <paramref name="kind"/> whose target is <paramref name="target"/>.</summary>
    public ParityRegistry Register(string kind, string target, CaseHandler handler)
    {
        _handlers[(kind, target)] = handler;
        return this;
    }

    /// <summary>The handler for a case, or null when SharpVL does not implement it.</summary>
    public CaseHandler? Find(FixtureCase fixtureCase)
    {
        ArgumentNullException.ThrowIfNull(fixtureCase);
        var target = TargetOf(fixtureCase);
        return _handlers.TryGetValue((fixtureCase.Kind, target), out var handler)
            || _handlers.TryGetValue((fixtureCase.Kind, "*"), out handler)
            ? handler
            : null;
    }

    /// <summary>
    /// What a case exercises: its class, its pipeline name, or for decoding cases the kind of file — <c>wav</c> for a
    /// RIFF/WAVE file, <c>container</c> for any other media file (MP4, MKV, WebM, ... decoded by ffmpeg) — so any file of
    /// a supported type finds its handler, not only the fixtures' own file names.
    /// </summary>
    public static string TargetOf(FixtureCase fixtureCase)
    {
        ArgumentNullException.ThrowIfNull(fixtureCase);
        return fixtureCase.Kind switch
        {
            "pipeline" => fixtureCase.GetString("pipeline") ?? fixtureCase.Name,
            "video_decode" or "audio_decode" => MediaFileType(fixtureCase.GetString("file")),
            _ => fixtureCase.ClassName ?? "*",
        };
    }

    /// <summary>The media file types decoding cases are dispatched by.</summary>
    public static class MediaTypes
    {
        /// <summary>A RIFF/WAVE file (<c>.wav</c>, <c>.wave</c>), read by SharpVL's own WAV reader.</summary>
        public const string Wav = "wav";

        /// <summary>Any other media file, demuxed and decoded through ffmpeg.</summary>
        public const string Container = "container";
    }

    private static string MediaFileType(string? file) =>
        Path.GetExtension(file ?? "").ToLowerInvariant() is ".wav" or ".wave" ? MediaTypes.Wav : MediaTypes.Container;

    /// <summary>Every family SharpVL implements.</summary>
    public static ParityRegistry CreateDefault()
    {
        var registry = new ParityRegistry();
        Families.ProcessingParity.Register(registry);
        Families.TokenizerParity.Register(registry);
        Families.VideoMAEParity.Register(registry);
        Families.XCLIPParity.Register(registry);
        Families.AltCLIPParity.Register(registry);
        Families.TvltParity.Register(registry);
        Families.TrainingParity.Register(registry);
        return registry;
    }
}
