using System.Text.Json.Nodes;
using SharpVL.Parity;
using SharpVL.Tests.Checkpoints;
using static TorchSharp.torch;

namespace SharpVL.Tests.Parity;

/// <summary>
/// The parity harness dispatches decoding cases by kind and file type (any WAV file, any container), and compares
/// dtypes as well as values.
/// </summary>
public class HarnessDispatchTests
{
    /// <summary>A manifest in a temporary folder whose cases point at renamed copies of fixture media.</summary>
    private static FixtureManifest ManifestWith(TempDirectory dir, params (JsonObject Case, string Source, string Copy)[] cases)
    {
        Directory.CreateDirectory(Path.Combine(dir.Path, "media"));
        var list = new JsonArray();
        foreach (var (fixtureCase, source, copy) in cases)
        {
            File.Copy(TestPaths.Fixture(source), Path.Combine(dir.Path, copy), overwrite: true);
            var expected = fixtureCase["expected"]!.GetValue<string>();
            File.Copy(TestPaths.Fixture(expected), Path.Combine(dir.Path, expected), overwrite: true);
            fixtureCase["file"] = copy;
            list.Add(fixtureCase);
        }
        var manifest = new JsonObject { ["format"] = 1, ["cases"] = list };
        var path = Path.Combine(dir.Path, "manifest.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return FixtureManifest.Load(path);
    }

    private static JsonObject FixtureCaseJson(string name)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(TestPaths.Fixture("manifest.json")))!;
        return manifest["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject().DeepClone().AsObject();
    }

    [Fact]
    public void AudioDecodeCasesOfAnyFileNameRunByFileType()
    {
        using var dir = new TempDirectory();
        var wav = FixtureCaseJson("decode_tone_wav");
        wav["name"] = "renamed_wav";
        var container = FixtureCaseJson("decode_clip_with_audio_audio");
        container["name"] = "renamed_container";
        var manifest = ManifestWith(dir,
            (wav, "media/tone.wav", "media/chord recording.WAV"),
            (container, "media/clip_with_audio.mp4", "media/holiday clip.mov"));
        var runner = new ParityRunner(manifest, ParityRegistry.CreateDefault());

        Assert.Equal("wav", ParityRegistry.TargetOf(manifest.Cases[0]));
        Assert.Equal("container", ParityRegistry.TargetOf(manifest.Cases[1]));
        foreach (var fixtureCase in manifest.Cases)
        {
            var result = runner.Run(fixtureCase);
            Assert.True(result.Status == CaseStatus.Passed, $"{fixtureCase.Name}: {result.Status} {result.Message}");
        }
    }

    [Fact]
    public void ACaseWithoutAHandlerIsReportedNotImplemented()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "manifest.json");
        File.WriteAllText(path, """{"format": 1, "cases": [{"name": "mystery", "kind": "hologram_decode", "file": "media/x.holo"}]}""");
        var manifest = FixtureManifest.Load(path);
        var runner = new ParityRunner(manifest, ParityRegistry.CreateDefault());

        Assert.False(runner.IsImplemented(manifest.Cases[0]));
        Assert.Equal(CaseStatus.NotImplemented, runner.Run(manifest.Cases[0]).Status);
    }

    [Fact]
    public void DtypesAreComparedNotOnlyValues()
    {
        using var expected = tensor(new long[] { 1, 2, 3 });
        using var sameValuesInt32 = tensor(new[] { 1, 2, 3 });
        using var sameValuesDouble = tensor(new[] { 1.0, 2.0, 3.0 });
        using var floats = tensor(new[] { 1f, 2f, 3f });

        var int32 = TensorCompare.Compare("ids", sameValuesInt32, expected, 0, 0);
        Assert.False(int32.Passed);
        Assert.Contains("dtype Int32 != expected Int64", int32.Problem);
        Assert.False(TensorCompare.Compare("x", sameValuesDouble, floats, 1e-6, 0).Passed);
        Assert.True(TensorCompare.Compare("ids", expected, expected, 0, 0).Passed);
    }
}
