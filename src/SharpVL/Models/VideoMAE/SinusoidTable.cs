using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>
/// VideoMAE's fixed sinusoidal position table: angle = pos / 10000^(2·(j div 2)/d), sine on even and cosine on odd
/// columns, computed in double precision and rounded to float32 once, as the reference does. Not a checkpoint weight.
/// </summary>
public static class SinusoidTable
{
    /// <summary>Returns the table as a [1, positions, width] float32 tensor.</summary>
    public static Tensor Create(int positions, int width)
    {
        var values = new float[positions * width];
        for (var position = 0; position < positions; position++)
        {
            for (var j = 0; j < width; j++)
            {
                var angle = position / Math.Pow(10000, 2.0 * (j / 2) / width);
                values[(position * width) + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        }
        return tensor(values, [1, positions, width]);
    }
}
