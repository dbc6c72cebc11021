namespace SharpVL.Training.Data;

/// <summary>
/// Prepares batches on worker threads up to <c>ahead</c> batches in front of the consumer, in order, so the model
/// does not wait for ffmpeg and the image processor. Preparation creates no tensors (dispose scopes are per thread).
/// </summary>
public static class DecodeAhead
{
    /// <summary>
    /// Yields <paramref name="prepare"/>(batch) for every batch in order, running up to <paramref name="ahead"/> of them in
    /// the background (0: each is prepared when asked for). A preparation's exception surfaces when its batch is reached.
    /// </summary>
    public static IEnumerable<T> Run<TBatch, T>(IReadOnlyList<TBatch> batches, int ahead, Func<TBatch, T> prepare, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentOutOfRangeException.ThrowIfNegative(ahead);
        return Iterate();

        IEnumerable<T> Iterate()
        {
            var pending = new Queue<Task<T>>();
            var next = 0;
            try
            {
                for (var i = 0; i < batches.Count; i++)
                {
                    while (next < batches.Count && pending.Count < Math.Max(1, ahead + 1) && (ahead > 0 || next == i))
                    {
                        var batch = batches[next++];
                        pending.Enqueue(ahead == 0 ? Task.FromResult(prepare(batch)) : Task.Run(() => prepare(batch), cancellationToken));
                    }
                    yield return pending.Dequeue().GetAwaiter().GetResult();
                }
            }
            finally
            {
                // Abandoned early (cancellation, an error, early stopping): let the workers finish before returning.
                foreach (var task in pending)
                {
                    try
                    {
                        task.Wait(CancellationToken.None);
                    }
                    catch (AggregateException)
                    {
                        // Its batch is not needed any more.
                    }
                }
            }
        }
    }
}
