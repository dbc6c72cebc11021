using System.Buffers.Binary;
using System.Text.Json;

namespace SharpVL.Tests.Processing;

/// <summary>One tensor of a safetensors file, raw.</summary>
public sealed record RawTensor(string DType, long[] Shape, byte[] Bytes)
{
    public float[] AsFloat32()
    {
        Assert.Equal("F32", DType);
        var result = new float[Bytes.Length / 4];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(Bytes.AsSpan(i * 4));
        }
        return result;
    }
}

/// <summary>
/// Minimal test-side safetensors and manifest reader (the library's checkpoint reader is developed separately,
/// and the tests should not depend on it).
/// </summary>
public static class FixtureFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string FixturesDir => Root.Value;

    public static string PathOf(string relative) => Path.Combine(FixturesDir, relative);

    public static Dictionary<string, RawTensor> ReadSafetensors(string relative)
    {
        var bytes = File.ReadAllBytes(PathOf(relative));
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, RawTensor>();
        foreach (var p in header.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                continue;
            }
            var offsets = p.Value.GetProperty("data_offsets");
            long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
            var data = bytes.AsSpan((int)(8 + headerLength + begin), (int)(end - begin)).ToArray();
            result[p.Name] = new RawTensor(
                p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
                data);
        }
        return result;
    }

    public static JsonElement ManifestCase(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf("manifest.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                return c.Clone();
            }
        }
        throw new KeyNotFoundException($"No manifest case '{name}'.");
    }

    public static IEnumerable<string> CaseNames(Func<JsonElement, bool> predicate)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf("manifest.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Where(predicate)
            .Select(c => c.GetProperty("name").GetString()!)
            .ToList();
    }

    public static Dictionary<string, JsonElement> Args(JsonElement manifestCase) =>
        manifestCase.TryGetProperty("args", out var args)
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : [];

    /// <summary>Asserts |got - exp| &lt;= atol + rtol*|exp| everywhere, reporting the worst element.</summary>
    public static void AssertClose(float[] expected, float[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = -1;
        double worstExcess = 0;
        int failures = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)actual[i] - expected[i]);
            double excess = err - (atol + rtol * Math.Abs(expected[i]));
            if (excess > 0 || double.IsNaN(err))
            {
                failures++;
                if (worst < 0 || excess > worstExcess)
                {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        Assert.True(failures == 0,
            $"{what}: {failures}/{expected.Length} elements out of tolerance; worst at {worst}: expected {(worst >= 0 ? expected[worst] : 0)}, got {(worst >= 0 ? actual[worst] : 0)}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "manifest.json");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
