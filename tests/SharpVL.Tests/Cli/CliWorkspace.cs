using System.Text;
using System.Text.Json;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Cli;

/// <summary>
/// A temporary folder of inputs for CLI tests (copies of the fixture clips, generated images, broken files), deleted
/// on dispose. Paths it returns are absolute, so tests do not depend on the CLI's working directory.
/// </summary>
internal sealed class CliWorkspace : IDisposable
{
    public CliWorkspace()
    {
        Root = TestScratch.CreateDirectory("sharpvl-cli-").FullName;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>The fixture clip (48 frames, no audio).</summary>
    public static string Clip => TestPaths.Fixture("media/clip.mp4");

    /// <summary>The fixture clip with a soundtrack.</summary>
    public static string ClipWithAudio => TestPaths.Fixture("media/clip_with_audio.mp4");

    /// <summary>The tiny VideoMAE classifier (5 Kinetics labels).</summary>
    public static string VideoMAE => TestPaths.Fixture("models/videomae-tiny-kinetics");

    /// <summary>A path inside the workspace (folders created).</summary>
    public string PathOf(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="relative"/>.</summary>
    public string Copy(string source, string relative)
    {
        var path = PathOf(relative);
        File.Copy(source, path, overwrite: true);
        return path;
    }

    /// <summary>Writes text (UTF-8, no BOM).</summary>
    public string Text(string relative, string content)
    {
        var path = PathOf(relative);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes bytes that no decoder accepts.</summary>
    public string Garbage(string relative) => Bytes(relative, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());

    /// <summary>Writes bytes.</summary>
    public string Bytes(string relative, byte[] content)
    {
        var path = PathOf(relative);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes a 64×48 PNG: a horizontal gradient tinted by <paramref name="seed"/>.</summary>
    public string Png(string relative, int seed = 0)
    {
        const int width = 64, height = 48;
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = (y * width + x) * 3;
                pixels[p] = (byte)(x * 4);
                pixels[p + 1] = (byte)(y * 5 + seed * 40);
                pixels[p + 2] = (byte)(255 - x * 4 + seed * 13);
            }
        }
        var path = PathOf(relative);
        ImageFile.SavePng(new RgbImage(width, height, pixels), path);
        return path;
    }

    /// <summary>
    /// Copies a fixture model and applies <paramref name="edit"/> to its config.json (e.g. to make it hostile); returns the folder.
    /// </summary>
    public string ModelWithConfig(string fixtureModel, string relative, Action<Dictionary<string, JsonElement>> edit)
    {
        var target = PathOf(Path.Combine(relative, "config.json"));
        foreach (var file in Directory.GetFiles(fixtureModel))
        {
            File.Copy(file, Path.Combine(Path.GetDirectoryName(target)!, Path.GetFileName(file)), overwrite: true);
        }
        var config = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(target))!;
        edit(config);
        File.WriteAllText(target, JsonSerializer.Serialize(config));
        return Path.GetDirectoryName(target)!;
    }

    /// <summary>
    /// Copies a fixture model and overwrites every float32 value of one tensor in its model.safetensors with
    /// <paramref name="value"/> (e.g. NaN); returns the folder.
    /// </summary>
    public string ModelWithTensorFilled(string fixtureModel, string relative, string tensorName, float value)
    {
        var folder = ModelWithConfig(fixtureModel, relative, _ => { });
        var path = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var offsets = header.RootElement.GetProperty(tensorName).GetProperty("data_offsets");
        for (var at = 8 + headerLength + offsets[0].GetInt32(); at < 8 + headerLength + offsets[1].GetInt32(); at += 4)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(at, 4), value);
        }
        File.WriteAllBytes(path, bytes);
        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file; the temp folder is cleaned up by the OS eventually.
        }
    }
}
