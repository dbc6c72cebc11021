using static TorchSharp.torch;

namespace SharpVL.Tests.Tvlt;

/// <summary>Reads TVLT reference tensors from the fixtures.</summary>
internal static class TvltFixtures
{
    public static float[] Floats(Tensor t) => t.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static void AssertClose(Tensor expected, Tensor actual, double atol, double rtol, string key)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(ScalarType.Float64);
        using var a = actual.detach().to(ScalarType.Float64);
        using var diff = (a - e).abs();
        using var limit = e.abs() * rtol + atol;
        var worst = diff.max().item<double>();
        Assert.True((diff <= limit).all().item<bool>(), $"{key}: max abs error {worst:g3} exceeds atol {atol} + rtol {rtol}");
    }
}
