using SharpVL.Checkpoints;
using static TorchSharp.torch;

namespace SharpVL.Tests;

/// <summary>The one reader of fixture tensor files (the expected values of the reference cases); callers dispose the tensors.</summary>
internal static class FixtureTensors
{
    /// <summary>Every tensor of a safetensors file under <c>tests/fixtures</c>.</summary>
    public static Dictionary<string, Tensor> Read(string relative) => ReadFile(TestPaths.Fixture(relative));

    /// <summary>Every tensor of a safetensors file under <c>tests/fixtures-training</c>.</summary>
    public static Dictionary<string, Tensor> ReadTraining(string relative) => ReadFile(TestPaths.TrainingFixture(relative));

    private static Dictionary<string, Tensor> ReadFile(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Keys.ToDictionary(k => k, file.ReadTensor);
    }
}
