namespace SharpVL.Parity;

/// <summary>Outcome of one case.</summary>
public enum CaseStatus
{
    /// <summary>Every output within tolerance.</summary>
    Passed,

    /// <summary>An output differs beyond tolerance, or is missing or extra.</summary>
    Failed,

    /// <summary>SharpVL has no implementation of the case's class or kind yet (counts as failed).</summary>
    NotImplemented,

    /// <summary>Running the case threw.</summary>
    Error,
}

/// <summary>The result of running one manifest case.</summary>
/// <param name="Name">Case name.</param>
/// <param name="Kind">Case kind.</param>
/// <param name="Target">What was exercised (class, pipeline or file).</param>
/// <param name="Status">Outcome.</param>
/// <param name="Comparisons">Per-output comparisons.</param>
/// <param name="Message">Error or explanation, if any.</param>
public sealed record CaseResult(
    string Name, string Kind, string Target, CaseStatus Status, IReadOnlyList<TensorComparison> Comparisons, string? Message = null)
{
    /// <summary>Largest absolute error over all outputs (0 when none compared).</summary>
    public double MaxAbsError => Comparisons.Where(c => !double.IsNaN(c.MaxAbsError)).Select(c => c.MaxAbsError).DefaultIfEmpty(0).Max();

    /// <summary>Largest relative error over all outputs.</summary>
    public double MaxRelError => Comparisons.Where(c => !double.IsNaN(c.MaxRelError)).Select(c => c.MaxRelError).DefaultIfEmpty(0).Max();
}
