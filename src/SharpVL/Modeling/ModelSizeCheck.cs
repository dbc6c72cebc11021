using System.Globalization;
using SharpVL.Configuration;
using SharpVL.Runtime;

namespace SharpVL.Modeling;

/// <summary>
/// Refuses, before any module is built, a config whose parameters alone cannot fit in the memory this machine has left:
/// libtorch would otherwise allocate until the process is killed or fails with a native error.
/// </summary>
internal static class ModelSizeCheck
{
    /// <summary>Models are built in float32 and converted afterwards, so each parameter first takes 4 bytes.</summary>
    private const int BuildBytesPerParameter = 4;

    public static void EnsureFits(PretrainedConfig config, string modelName)
    {
        var parameters = config.EstimateParameterCount();
        var bytes = parameters > long.MaxValue / BuildBytesPerParameter ? long.MaxValue : parameters * BuildBytesPerParameter;
        var available = AvailableMemory.Bytes();
        if (bytes > available)
        {
            throw new ConfigException(config.SourceName, null,
                $"describes a {modelName} of at least {parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters " +
                $"({Gib(bytes)} GiB in float32), more than the {Gib(available)} GiB of memory available; " +
                "check hidden_size, intermediate_size, num_hidden_layers, vocab_size and the image and patch sizes.",
                config.SourcePath);
        }
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture);
}
