using System.Text.Json;
using SharpVL.Cli.Benchmarking;
using SharpVL.Cli.Commands;
using SharpVL.Runtime.Kernels;
using static TorchSharp.torch;

namespace SharpVL.Tests.Cli;

/// <summary>The attention rows of <c>sharpvl bench --only gemm</c>: one per backend and shape, named, with FLOPs and roofline share.</summary>
public class BenchAttentionRowsTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void OneRowPerAvailableBackendWithItsRateAgainstTheRoofline(ScalarType dtype)
    {
        var rows = AttentionRates.MeasureAll(dtype, repeats: 1, roofline: 100, _ => { }, [(2, 40, 16)]).ToList();
        var expected = Enum.GetValues<AttentionBackend>().Where(b => AttentionBackends.IsAvailable(b, dtype)).Select(AttentionBackends.Name).ToList();
        Assert.Equal(expected, rows.Select(r => r.Attention!).ToList());
        foreach (var row in rows)
        {
            var json = JsonSerializer.SerializeToElement(BenchCommand.ToJson(row));
            Assert.Equal("attention 2x40²x16", json.GetProperty("name").GetString());
            Assert.Equal(row.Attention, json.GetProperty("attention").GetString());
            Assert.Equal(4.0 * 2 * 40 * 40 * 16 / 1e9, json.GetProperty("gflops").GetDouble(), 12);
            var median = json.GetProperty("median_s").GetDouble();
            Assert.True(median > 0);
            Assert.Equal(row.Gflops / median / 100, json.GetProperty("roofline_fraction").GetDouble(), 12);
        }
    }
}
