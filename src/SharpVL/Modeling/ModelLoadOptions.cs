using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>How <c>FromPretrained</c> places and converts a model (Transformers' <c>from_pretrained</c> keyword arguments).</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Target device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>); default CPU.</summary>
    public string? Device { get; init; }

    /// <summary>Parameter dtype (float32, bfloat16, float16); null keeps float32 as Transformers does by default.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Hub revision (branch, tag or commit) when the model argument is a Hub id.</summary>
    public string? Revision { get; init; }

    /// <summary>Re-initialize weights whose checkpoint shape differs instead of failing (Transformers' <c>ignore_mismatched_sizes</c>).</summary>
    public bool IgnoreMismatchedSizes { get; init; }

    /// <summary>
    /// Where load warnings go (missing, unexpected or re-initialised weights, as Transformers' logger warns); null writes
    /// them to standard error. Pass the host's logger to see them in its logs, or <see cref="NullLogger.Instance"/> to drop them.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>Download progress for Hub models (nothing is reported for files already cached).</summary>
    public IProgress<Hub.DownloadProgress>? Progress { get; init; }

    /// <summary>The Hub client for Hub ids; null uses one configured from the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, ...).</summary>
    public Hub.HubClient? Hub { get; init; }

    /// <summary>Options with every default.</summary>
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>Every default, except that load warnings are dropped.</summary>
    public static ModelLoadOptions Quiet { get; } = new() { Logger = NullLogger.Instance };

    internal void Warn(string message) => LoadLog.Warning(Logger ?? StandardErrorLogger.Instance, message, null);
}
