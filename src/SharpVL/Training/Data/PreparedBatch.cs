using SharpVL.Processing.Images;

namespace SharpVL.Training.Data;

/// <summary>A batch decoded and preprocessed (on the decode-ahead thread), not yet turned into tensors.</summary>
/// <param name="Indices">Positions of the examples in their dataset.</param>
/// <param name="Examples">The examples.</param>
/// <param name="PixelValues">Their clips as the model's <c>pixel_values</c>.</param>
public sealed record PreparedBatch(IReadOnlyList<int> Indices, IReadOnlyList<TrainingExample> Examples, PixelValues PixelValues)
{
    /// <summary>Further model inputs a task prepared with the pixels (e.g. TVLT's audio features and masks).</summary>
    public object? Payload { get; init; }

    /// <summary>Number of examples.</summary>
    public int Count => Examples.Count;
}
