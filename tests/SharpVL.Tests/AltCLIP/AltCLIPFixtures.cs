using static TorchSharp.torch;

namespace SharpVL.Tests.AltCLIP;

/// <summary>Paths and tensors of the AltCLIP fixtures.</summary>
internal static class AltCLIPFixtures
{
    public static string ModelDir { get; } = TestPaths.Fixture("models/altclip-tiny");

    /// <summary>Asserts elementwise closeness with the fixtures' rule |a − b| ≤ atol + rtol·|b|.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double atol = 1e-4, double rtol = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var e = expected.to(ScalarType.Float64).cpu();
        var a = actual.to(ScalarType.Float64).cpu();
        var excess = ((a - e).abs() - (atol + (rtol * e.abs()))).max().item<double>();
        Assert.True(excess <= 0, $"max |a − b| exceeds the tolerance by {excess:g4}");
    }
}
