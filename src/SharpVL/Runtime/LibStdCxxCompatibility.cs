using System.Buffers.Binary;
using System.Text;

namespace SharpVL.Runtime;

/// <summary>
/// Makes TorchSharp's native bridge load on systems whose libstdc++ predates GCC 13 (e.g. Debian 12).
/// </summary>
/// <remarks>
/// <c>libLibTorchSharp.so</c> 0.107 requires the symbol version <c>GLIBCXX_3.4.32</c> for one symbol only,
/// <c>std::ios_base_library_init</c>: a link anchor GCC 13 emits and that is never called. The dynamic loader
/// refuses the whole library because of that single requirement. We redirect the requirement to another
/// GLIBCXX version the same library already needs (so no new dependency appears) in the application's own
/// copy of the file. The NuGet package cache is never touched, and nothing happens when the system
/// libstdc++ provides the version.
/// </remarks>
public static class LibStdCxxCompatibility
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;

    private static readonly string[] LibStdCxxLocations =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    ];

    /// <summary>Whether the system's libstdc++ defines <paramref name="version"/> (true when no libstdc++ is found).</summary>
    public static bool SystemLibStdCxxHas(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        var found = false;
        foreach (var path in LibStdCxxLocations)
        {
            if (!File.Exists(path))
            {
                continue;
            }
            found = true;
            if (File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }
        return !found;
    }

    /// <summary>
    /// Patches every copy of <c>libLibTorchSharp.so</c> next to the running application when needed.
    /// Returns the paths that were rewritten.
    /// </summary>
    public static IReadOnlyList<string> EnsureApplicationCopiesLoadable()
    {
        if (!OperatingSystem.IsLinux() || SystemLibStdCxxHas(MissingVersion))
        {
            return [];
        }
        var patched = new List<string>();
        foreach (var candidate in CandidateLibraries())
        {
            if (IsInsidePackageCache(candidate))
            {
                continue;
            }
            if (TryPatchFile(candidate))
            {
                patched.Add(candidate);
            }
        }
        return patched;
    }

    private static IEnumerable<string> CandidateLibraries()
    {
        var roots = new HashSet<string>(StringComparer.Ordinal) { AppContext.BaseDirectory };
        var torchAssembly = typeof(TorchSharp.torch).Assembly.Location;
        if (!string.IsNullOrEmpty(torchAssembly))
        {
            roots.Add(Path.GetDirectoryName(torchAssembly)!);
        }
        foreach (var root in roots)
        {
            foreach (var relative in new[] { "libLibTorchSharp.so", "runtimes/linux-x64/native/libLibTorchSharp.so", "cpu/libLibTorchSharp.so" })
            {
                var path = Path.Combine(root, relative);
                if (File.Exists(path))
                {
                    yield return Path.GetFullPath(path);
                }
            }
        }
    }

    private static bool IsInsidePackageCache(string path)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(cache) && path.StartsWith(Path.GetFullPath(cache), StringComparison.Ordinal))
        {
            return true;
        }
        return path.Contains("/.nuget/packages/", StringComparison.Ordinal);
    }

    /// <summary>Rewrites the requirement in <paramref name="path"/> atomically; false when nothing needed changing.</summary>
    public static bool TryPatchFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!TryPatchImage(bytes))
        {
            return false;
        }
        var temp = path + ".sharpvl-" + Environment.ProcessId + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new InvalidOperationException(
                $"TorchSharp's native library '{path}' requires {MissingVersion}, which this system's libstdc++ lacks, " +
                $"and SharpVL could not rewrite that requirement in place ({ex.Message}). Make the file writable once, " +
                "or install a libstdc++ from GCC 13 or newer.", ex);
        }
        return true;
    }

    /// <summary>Redirects the <c>GLIBCXX_3.4.32</c> requirement of an ELF64 little-endian image in memory.</summary>
    public static bool TryPatchImage(Span<byte> elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
        {
            return false;
        }
        var sectionTable = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]));
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        for (var i = 0; i < sectionCount; i++)
        {
            var header = elf.Slice(sectionTable + (i * sectionSize), sectionSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
            {
                continue;
            }
            var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]));
            var stringSection = BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var entries = BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            var strings = elf.Slice(sectionTable + (checked((int)stringSection) * sectionSize), sectionSize);
            var stringsOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]));
            return RedirectRequirement(elf, offset, entries, stringsOffset);
        }
        return false;
    }

    private static bool RedirectRequirement(Span<byte> elf, int verneed, uint entries, int strings)
    {
        var changed = false;
        for (var n = 0; n < entries; n++)
        {
            int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(verneed + 2)..]);
            var auxOffset = verneed + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(verneed + 8)..]);
            var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(verneed + 12)..]);
            var auxEntries = new List<int>();
            for (var a = 0; a < auxCount; a++)
            {
                auxEntries.Add(auxOffset);
                auxOffset += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(auxOffset + 12)..]);
            }
            int? missing = null;
            int? substitute = null;
            foreach (var aux in auxEntries)
            {
                var name = ReadString(elf, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 8)..]));
                if (name == MissingVersion)
                {
                    missing = aux;
                }
                else if (name.StartsWith("GLIBCXX_", StringComparison.Ordinal) && SystemLibStdCxxHas(name))
                {
                    substitute = aux;
                }
            }
            if (missing is int m && substitute is int s)
            {
                // vna_hash and vna_name of a version the system provides; flags/other stay, so symbol
                // version indices keep pointing at this entry.
                elf.Slice(s, 4).CopyTo(elf.Slice(m, 4));
                elf.Slice(s + 8, 4).CopyTo(elf.Slice(m + 8, 4));
                changed = true;
            }
            if (next == 0)
            {
                break;
            }
            verneed += next;
        }
        return changed;
    }

    private static string ReadString(ReadOnlySpan<byte> elf, int offset)
    {
        var end = elf[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(elf.Slice(offset, end));
    }
}
