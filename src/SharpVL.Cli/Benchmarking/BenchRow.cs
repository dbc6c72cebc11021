namespace SharpVL.Cli.Benchmarking;

/// <summary>One measured configuration of <c>sharpvl bench</c>.</summary>
/// <param name="Name">What was measured (model, GEMM, preprocessing, ...).</param>
/// <param name="DType">Element type, or "-" where none applies.</param>
/// <param name="Batch">Batch size (videos/images), or 0 where none applies.</param>
/// <param name="MedianS">Median seconds per run after warm-up.</param>
/// <param name="MinS">Fastest run.</param>
/// <param name="MaxS">Slowest run.</param>
/// <param name="Gflops">Work per run in GFLOP (0 when not a compute benchmark).</param>
/// <param name="RooflineFraction">Achieved GFLOP/s over the GEMM roofline of the same dtype (null when not applicable).</param>
/// <param name="Throughput">Items per second with its unit (e.g. "812 frames/s"), where that is the figure of merit.</param>
/// <param name="Notes">Anything else measured (peak memory, ...).</param>
internal sealed record BenchRow(
    string Name, string DType, int Batch, double MedianS, double MinS, double MaxS, double Gflops,
    double? RooflineFraction, string? Throughput = null, string? Notes = null)
{
    /// <summary>The kernel that ran the products (<c>libtorch</c>, <c>onednn</c>, <c>dnnl-sgemm</c>), where one applies.</summary>
    public string? Backend { get; init; }

    /// <summary>What computed attention (<c>native</c>, <c>libtorch</c>), where a model ran.</summary>
    public string? Attention { get; init; }

    /// <summary>The end-to-end rows' folder and model-only throughputs (null for other rows).</summary>
    public EndToEndThroughput? EndToEnd { get; init; }

    /// <summary>Achieved GFLOP/s.</summary>
    public double GflopsPerSecond => MedianS > 0 ? Gflops / MedianS : 0;
}

/// <summary>A folder run's throughput next to the model alone on preprocessed batches of the same size.</summary>
/// <param name="VideosPerSecond">Videos per second through the whole pipeline (decode, preprocessing, model).</param>
/// <param name="ModelVideosPerSecond">Videos per second of the model alone, inputs ready.</param>
/// <param name="Decoder">What decoded the videos: the video worker or ffmpeg per file.</param>
internal sealed record EndToEndThroughput(double VideosPerSecond, double ModelVideosPerSecond, string Decoder)
{
    /// <summary>The share of the model-only throughput the folder run keeps.</summary>
    public double Fraction => VideosPerSecond / ModelVideosPerSecond;
}
