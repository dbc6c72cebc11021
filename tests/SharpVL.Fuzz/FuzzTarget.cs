namespace SharpVL.Fuzz;

/// <summary>One fuzz input: the files of a folder, by name.</summary>
/// <param name="Files">File name → contents.</param>
public sealed record FuzzCase(IReadOnlyDictionary<string, byte[]> Files)
{
    /// <summary>A copy with <paramref name="name"/> replaced (or added); null contents remove the file.</summary>
    public FuzzCase With(string name, byte[]? contents)
    {
        var files = new Dictionary<string, byte[]>(Files);
        if (contents is null)
        {
            files.Remove(name);
        }
        else
        {
            files[name] = contents;
        }
        return new FuzzCase(files);
    }
}

/// <summary>
/// A reader under fuzzing: the seeds it starts from (built from the repository's fixtures), how an input is mutated,
/// and the reads each input goes through. Each read must load, or fail with SharpVL's own exception naming the file.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>Short name (command-line and report).</summary>
    public abstract string Name { get; }

    /// <summary>What is read.</summary>
    public abstract string Description { get; }

    /// <summary>The starting inputs.</summary>
    public abstract IReadOnlyList<FuzzCase> Seeds(string repositoryRoot);

    /// <summary>
    /// The reads of one input in <paramref name="directory"/> (its files written there). Each is judged on its own, so a
    /// target can run several readers over the same file.
    /// </summary>
    public abstract IEnumerable<(string Reader, Action Read)> Reads(string directory);

    /// <summary>A mutated copy of <paramref name="input"/> (default: one file, byte-level or, for .json, structural).</summary>
    public virtual FuzzCase Mutate(FuzzCase input, Mutator mutator, IReadOnlyList<FuzzCase> corpus)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(corpus);
        var names = input.Files.Keys.Order(StringComparer.Ordinal).ToList();
        var name = names[mutator.Random.Next(names.Count)];
        var splice = corpus.Select(c => c.Files.GetValueOrDefault(name)).OfType<byte[]>().Take(8).ToList();
        return input.With(name, mutator.Mutate(input.Files[name], IsJson(name), splice));
    }

    /// <summary>Whether a file name is JSON text.</summary>
    protected static bool IsJson(string name) => name.EndsWith(".json", StringComparison.Ordinal);

    /// <summary>Reads a repository file.</summary>
    protected static byte[] Fixture(string repositoryRoot, string relative) => File.ReadAllBytes(Path.Combine(repositoryRoot, relative));
}
