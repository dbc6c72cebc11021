using SharpVL.Fuzz.Targets;

namespace SharpVL.Fuzz;

/// <summary>Every fuzz target, one per reader of untrusted files.</summary>
public static class FuzzTargets
{
    /// <summary>The targets, in a fixed order.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new SafeTensorsTarget(), new TorchZipTarget(), new ShardedIndexTarget(), new ConfigTarget(),
        new PreprocessorConfigTarget(), new TokenizerTarget(), new WavTarget(), new VideoTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    public static FuzzTarget Named(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))}).", nameof(name));
}
