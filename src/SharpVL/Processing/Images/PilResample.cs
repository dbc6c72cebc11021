namespace SharpVL.Processing.Images;

/// <summary>
/// Pillow's resampling filters, with Pillow's integer values (the numbers stored as <c>resample</c> in
/// <c>preprocessor_config.json</c>).
/// </summary>
public enum PilResample
{
    /// <summary>Nearest neighbour (no interpolation, no antialiasing).</summary>
    Nearest = 0,

    /// <summary>Lanczos (truncated sinc, support 3); Pillow also calls it ANTIALIAS.</summary>
    Lanczos = 1,

    /// <summary>Triangle filter, support 1.</summary>
    Bilinear = 2,

    /// <summary>Keys cubic convolution with a = -0.5, support 2.</summary>
    Bicubic = 3,

    /// <summary>Box filter, support 0.5 (area averaging when shrinking).</summary>
    Box = 4,

    /// <summary>Hamming-windowed sinc, support 1.</summary>
    Hamming = 5,
}
