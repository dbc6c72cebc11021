using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharpInitializesAndComputes()
    {
        TorchRuntime.EnsureInitialized();
        using var a = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3);
        using var product = torch.matmul(a, a.t());
        Assert.Equal(new float[] { 5, 14, 14, 50 }, product.data<float>().ToArray());
    }

    [Theory]
    [InlineData("bf16", torch.ScalarType.BFloat16)]
    [InlineData("float16", torch.ScalarType.Float16)]
    [InlineData("torch.float32", torch.ScalarType.Float32)]
    public void ParsesTransformersDTypeNames(string name, torch.ScalarType expected)
        => Assert.Equal(expected, TorchRuntime.ParseDType(name));

    [Fact]
    public void PatchedImageNoLongerRequiresGcc13Version()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var original = Path.Combine(nuget, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(original), $"TorchSharp package not restored at {original}");
        var image = File.ReadAllBytes(original);
        var before = System.Text.Encoding.ASCII.GetString(image);
        Assert.Contains("GLIBCXX_3.4.32", before);
        Assert.True(LibStdCxxCompatibility.TryPatchImage(image));
        // The string stays in .dynstr, but no version requirement points at it any more: a second pass finds nothing.
        Assert.False(LibStdCxxCompatibility.TryPatchImage(image));
        Assert.Equal(File.ReadAllBytes(original).Length, image.Length);
    }
}

public class ApplicationCopyTests
{
    [Fact]
    public void ApplicationCopyIsLoadableOnThisSystem()
    {
        var appCopy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(appCopy), appCopy);
        var stillRequires = LibStdCxxCompatibility.TryPatchImage(File.ReadAllBytes(appCopy));
        // Patched in place exactly when this system's libstdc++ lacks GCC 13's symbol version.
        Assert.Equal(!LibStdCxxCompatibility.SystemLibStdCxxHas("GLIBCXX_3.4.32"), !stillRequires);
    }
}
