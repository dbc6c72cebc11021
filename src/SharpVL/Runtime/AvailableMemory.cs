using System.Globalization;

namespace SharpVL.Runtime;

/// <summary>How much memory a new allocation can still get on this machine.</summary>
internal static class AvailableMemory
{
    /// <summary>
    /// Bytes available now: Linux's <c>MemAvailable</c> (free memory plus reclaimable caches), capped by the runtime's view
    /// of the machine (which honours container limits).
    /// </summary>
    public static long Bytes()
    {
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return ReadMemAvailable() is long available ? Math.Min(available, total) : total;
    }

    private static long? ReadMemAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                // "MemAvailable:   12345678 kB"
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(),
                        NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    return kib * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc is not mounted: the runtime's figure is the best there is.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
