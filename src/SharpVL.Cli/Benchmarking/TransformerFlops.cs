namespace SharpVL.Cli.Benchmarking;

/// <summary>Multiply-add counts (×2 = FLOPs) of the dense parts of transformer forwards.</summary>
internal static class TransformerFlops
{
    /// <summary>FLOPs of <paramref name="layers"/> encoder layers over <paramref name="tokens"/> tokens per sequence.</summary>
    public static double Encoder(double sequences, double tokens, double width, double ffn, int layers)
    {
        var projections = 4 * 2 * tokens * width * width;
        var attention = 2 * 2 * tokens * tokens * width;
        var feedForward = 2 * 2 * tokens * width * ffn;
        return sequences * layers * (projections + attention + feedForward);
    }

    /// <summary>FLOPs of a dense layer applied to <paramref name="rows"/> rows.</summary>
    public static double Linear(double rows, double inputs, double outputs) => 2 * rows * inputs * outputs;
}
