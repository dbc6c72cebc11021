using System.Text.Json;

namespace SharpVL.Parity;

/// <summary>A fixtures <c>manifest.json</c> (format 1): reference cases produced by running Transformers.</summary>
public sealed class FixtureManifest
{
    private FixtureManifest(string path, IReadOnlyList<FixtureCase> cases)
    {
        Path = path;
        Root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Cases = cases;
    }

    /// <summary>The manifest file.</summary>
    public string Path { get; }

    /// <summary>The folder the case paths are relative to.</summary>
    public string Root { get; }

    /// <summary>Every case, in file order.</summary>
    public IReadOnlyList<FixtureCase> Cases { get; }

    /// <summary>Reads a manifest; errors name the file and what is wrong.</summary>
    public static FixtureManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Manifest '{path}' does not exist.", path);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("format", out var format) || format.GetInt32() != 1)
        {
            throw new InvalidDataException($"{path}: expected a fixtures manifest with \"format\": 1.");
        }
        if (!root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: no \"cases\" array.");
        }
        var list = cases.EnumerateArray().Select(c => new FixtureCase(c.Clone())).ToList();
        return new FixtureManifest(path, list);
    }

    /// <summary>Resolves a path of the manifest (relative to its folder).</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, relative));
}

/// <summary>One case of the manifest, with typed access to the common fields and the raw JSON for the rest.</summary>
public sealed class FixtureCase
{
    internal FixtureCase(JsonElement raw)
    {
        Raw = raw;
        Name = GetString("name") ?? throw new InvalidDataException("A manifest case has no name.");
        Kind = GetString("kind") ?? throw new InvalidDataException($"Case '{Name}' has no kind.");
    }

    /// <summary>The case as stored.</summary>
    public JsonElement Raw { get; }

    /// <summary>Case name.</summary>
    public string Name { get; }

    /// <summary><c>model</c>, <c>processor</c>, <c>tokenizer</c>, <c>video_decode</c>, <c>audio_decode</c> or <c>pipeline</c>.</summary>
    public string Kind { get; }

    /// <summary>The class under test (<c>class</c>), if any.</summary>
    public string? ClassName => GetString("class");

    /// <summary>A string field, or null.</summary>
    public string? GetString(string key)
        => Raw.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number field, or <paramref name="fallback"/>.</summary>
    public double GetDouble(string key, double fallback)
        => Raw.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : fallback;

    /// <summary>An object or array field, or null.</summary>
    public JsonElement? Get(string key) => Raw.TryGetProperty(key, out var value) ? value : null;

    /// <summary>The non-tensor keyword arguments (<c>args</c>); empty when absent.</summary>
    public IReadOnlyDictionary<string, JsonElement> Args
        => Raw.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Object
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
            : new Dictionary<string, JsonElement>();

    /// <summary>A boolean keyword argument, or null when not given.</summary>
    public bool? BoolArg(string key) => Args.TryGetValue(key, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
        ? value.GetBoolean()
        : null;
}
