using SharpVL.Checkpoints;
using SharpVL.Parity;

namespace SharpVL.Tests.Parity;

/// <summary>The manifest's list form of processor inputs (<c>videos.0</c>, <c>videos.1</c>, ...) runs like the stacked form.</summary>
public class RaggedProcessorCaseTests
{
    [Theory]
    [InlineData("videomae_processor_downscale", "videos")]
    [InlineData("clip_image_processor_downscale", "images")]
    public void ListInputsGiveTheStackedCasesResult(string caseName, string call)
    {
        var directory = TestScratch.CreateDirectory("sharpvl-ragged-").FullName;
        try
        {
            var original = FixtureManifest.Load(TestPaths.Fixture("manifest.json")).Cases.Single(c => c.Name == caseName);
            using var inputs = SafeTensorsFile.Open(TestPaths.Fixture(original.GetString("inputs")!));
            using var stacked = inputs.ReadTensor(call);
            var split = Enumerable.Range(0, (int)stacked.shape[0]).ToDictionary(i => $"{call}.{i}", i => stacked[i].contiguous());
            var inputsPath = Path.Combine(directory, "ragged.inputs.safetensors");
            SafeTensorsWriter.Save(inputsPath, split);

            var manifestText = $$"""
                {"format": 1, "cases": [{"name": "ragged", "kind": "processor", "processor": "{{TestPaths.Fixture(original.GetString("processor")!)}}",
                  "class": "{{original.ClassName}}", "inputs": "{{inputsPath}}", "call": "{{call}}", "args": {"return_tensors": "np"},
                  "expected": "{{TestPaths.Fixture(original.GetString("expected")!)}}", "atol": 1e-05, "rtol": 0.0}]}
                """;
            var manifestPath = Path.Combine(directory, "manifest.json");
            File.WriteAllText(manifestPath, manifestText);
            var manifest = FixtureManifest.Load(manifestPath);
            var result = new ParityRunner(manifest, ParityRegistry.CreateDefault()).Run(manifest.Cases[0]);
            Assert.True(result.Status == CaseStatus.Passed, $"{result.Status} {result.Message}");
            Assert.Equal(0, result.MaxAbsError);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
