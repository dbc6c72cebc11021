using System.Text.Json;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// Per-machine cache of a kernel probe's choice under <c>~/.cache/sharpvl/</c> (or <c>$XDG_CACHE_HOME/sharpvl/</c>):
/// a JSON object with the machine key (<see cref="MachineKey"/>) and the probe's results. A different machine, a
/// missing or unreadable file all mean "probe again"; a read-only home only costs the probe at the next start-up.
/// </summary>
internal static class KernelProbeCache
{
    /// <summary>What identifies "this machine": CPU model, logical cores, libtorch version.</summary>
    public static string MachineKey()
    {
        var model = "unknown-cpu";
        if (File.Exists("/proc/cpuinfo"))
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? model;
        }
        return $"{model}|{Environment.ProcessorCount} cores|libtorch {TorchSharp.torch.__version__}";
    }

    /// <summary>The cache file <paramref name="fileName"/>.</summary>
    public static string PathOf(string fileName)
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }
        return Path.Combine(root, "sharpvl", fileName);
    }

    /// <summary>Reads <paramref name="read"/> from the cached object when it was written on this machine; else null.</summary>
    public static T? TryRead<T>(string path, Func<JsonElement, T?> read)
        where T : struct
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            return root.GetProperty("machine").GetString() == MachineKey() ? read(root) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="values"/> and this machine's key atomically (best effort).</summary>
    public static void TryWrite(string path, IReadOnlyDictionary<string, object> values)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var json = JsonSerializer.Serialize(new Dictionary<string, object>(values) { ["machine"] = MachineKey() });
            var temporary = path + $".{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, json);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only home only costs the probe at the next start-up.
        }
    }
}
