using SharpVL.Processing;
using static TorchSharp.torch;

namespace SharpVL.Tests.Processing;

public sealed class BatchFeatureTests
{
    [Fact]
    public void ToCastsOnlyFloatingTensorsAndKeepsValues()
    {
        using var batch = new BatchFeature([
            new("input_ids", tensor(new long[] { 5, 7 }, [1, 2])),
            new("pixel_values", tensor(new float[] { 0.25f, -1.5f }, [1, 2])),
        ]);
        Assert.Same(batch, batch.To(CPU, ScalarType.Float64));
        Assert.Equal(ScalarType.Int64, batch.InputIds!.dtype);
        Assert.Equal(ScalarType.Float64, batch.PixelValues!.dtype);
        Assert.Equal([0.25, -1.5], batch.PixelValues.data<double>().ToArray());
        Assert.Equal([5L, 7], batch["input_ids"].data<long>().ToArray());
        Assert.Null(batch.AudioValues);
    }

    [Fact]
    public void MergeRefusesDuplicateNamesAndDisposeFreesTheTensors()
    {
        var ids = tensor(new long[] { 1 });
        var batch = BatchFeature.Merge(new BatchFeature([new("input_ids", ids)]), null);
        Assert.Equal(["input_ids"], batch.Keys);
        Assert.Throws<ArgumentException>(() => BatchFeature.Merge(batch, new BatchFeature([new("input_ids", tensor(new long[] { 2 }))])));
        batch.Dispose();
        Assert.True(ids.IsInvalid);
        Assert.Empty(batch);
    }
}
