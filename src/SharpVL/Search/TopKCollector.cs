namespace SharpVL.Search;

/// <summary>
/// Keeps the k best (score, id) pairs of a stream in O(k) memory; ties go to the smaller id, so exact search is
/// deterministic whichever store scores the segments.
/// </summary>
public sealed class TopKCollector
{
    private readonly int _k;
    // The root is the worst kept entry: lowest score, and among equal scores the largest id.
    private readonly PriorityQueue<(long Id, float Score), (float Score, long NegId)> _heap = new();

    /// <summary>Collects the best <paramref name="k"/>.</summary>
    public TopKCollector(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _k = k;
    }

    /// <summary>Offers one scored id.</summary>
    public void Add(long id, float score)
    {
        var priority = (score, -id);
        if (_heap.Count < _k)
        {
            _heap.Enqueue((id, score), priority);
        }
        else if (_heap.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0)
        {
            _heap.DequeueEnqueue((id, score), priority);
        }
    }

    /// <summary>The kept entries, best first.</summary>
    public IReadOnlyList<(long Id, float Score)> Best() =>
        [.. _heap.UnorderedItems.Select(e => e.Element).OrderByDescending(e => e.Score).ThenBy(e => e.Id)];
}
