namespace SharpVL.Configuration;

/// <summary>
/// Upper bounds on config dimensions: each is several times the largest value any published model of these families
/// (or any large language model) uses, and low enough that arithmetic on them cannot overflow and that a typo like
/// <c>num_hidden_layers: 1000000</c> is refused instead of exhausting memory.
/// </summary>
public static class ConfigLimits
{
    /// <summary>Widths: hidden, intermediate, projection sizes (largest published: ~50k).</summary>
    public const int MaxWidth = 1 << 17;

    /// <summary>Layers of one stack (largest published: ~130).</summary>
    public const int MaxLayers = 1024;

    /// <summary>Image sides, patch sizes, crop and resize targets, in pixels.</summary>
    public const int MaxImageSide = 4096;

    /// <summary>Frames per clip.</summary>
    public const int MaxFrames = 4096;

    /// <summary>Input channels (RGB is 3).</summary>
    public const int MaxChannels = 64;

    /// <summary>Token vocabulary, position and type tables (largest published vocabularies: ~260k).</summary>
    public const int MaxTableRows = 1 << 24;

    /// <summary>Tokens one forward can see (patches × frames or spectrogram patches).</summary>
    public const int MaxSequence = 1 << 20;

    /// <summary>Classes of a classification head (ImageNet-21k has 21,843).</summary>
    public const int MaxLabels = 1 << 18;

    /// <summary>Spectrogram rows, mel bands, FFT sizes and sampling rates.</summary>
    public const int MaxAudioSize = 1 << 20;
}
