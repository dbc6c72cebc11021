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

    /// <summary>The comparisons summarised per tolerance group (train cases: loss, grad_norm, grad, final), in first-seen order.</summary>
    public IReadOnlyList<ComparisonGroup> Groups => [.. Comparisons.Where(c => c.Group is not null).GroupBy(c => c.Group!).Select(g => new ComparisonGroup(
        g.Key, g.Count(), g.Count(c => c.Passed),
        g.Where(c => !double.IsNaN(c.MaxAbsError)).Select(c => c.MaxAbsError).DefaultIfEmpty(0).Max(),
        g.Where(c => !double.IsNaN(c.MaxRelError)).Select(c => c.MaxRelError).DefaultIfEmpty(0).Max()))];
}

/// <summary>The comparisons of one tolerance group of a case.</summary>
/// <param name="Name">Group name (e.g. <c>grad</c>).</param>
/// <param name="Count">Keys compared.</param>
/// <param name="PassedCount">Keys within tolerance.</param>
/// <param name="MaxAbsError">Largest absolute error in the group.</param>
/// <param name="MaxRelError">Largest relative error in the group.</param>
public sealed record ComparisonGroup(string Name, int Count, int PassedCount, double MaxAbsError, double MaxRelError)
{
    /// <summary>Whether every key of the group passed.</summary>
    public bool Passed => PassedCount == Count;
}
