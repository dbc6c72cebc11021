using System.Runtime.CompilerServices;

namespace SharpVL.Pipelines;

/// <summary>One batch of <see cref="BatchRunner.RunAsync"/>: its results (one per input, in order), or why it failed.</summary>
/// <typeparam name="TResult">The per-input result.</typeparam>
/// <param name="Inputs">The batch's inputs.</param>
/// <param name="Results">One result per input; null when the batch failed.</param>
/// <param name="Error">Why the batch failed; null when it succeeded.</param>
public sealed record BatchOutcome<TResult>(IReadOnlyList<string> Inputs, IReadOnlyList<TResult>? Results, Exception? Error);

/// <summary>
/// Runs inputs through a model whose batches come from one stream, so the stream can work ahead (decode and preprocess
/// the next batch while the model runs this one; see <see cref="IClassificationPipeline.ClassifyFileBatches"/>), while a
/// bad input costs only its own batch: a batch that fails ends its stream and is reported as failed, and a new stream
/// takes over after it.
/// </summary>
public static class BatchRunner
{
    /// <summary>
    /// Yields one <see cref="BatchOutcome{TResult}"/> per <paramref name="batchSize"/> inputs, in order. Each batch runs
    /// on a worker thread; on cancellation the wait ends at once (the worker is abandoned).
    /// </summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="batchSize">Inputs per batch; <paramref name="process"/> must yield result lists of this size.</param>
    /// <param name="process">Runs the model over the inputs it is given, yielding one result list per batch, in order.</param>
    /// <param name="starting">Called before each batch is awaited (e.g. to show progress).</param>
    /// <param name="cancellationToken">Observed between batches and while waiting for one.</param>
    public static async IAsyncEnumerable<BatchOutcome<TResult>> RunAsync<TResult>(
        IReadOnlyList<string> inputs, int batchSize, Func<IReadOnlyList<string>, IEnumerable<IReadOnlyList<TResult>>> process,
        Action<IReadOnlyList<string>>? starting = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var start = 0;
        while (start < inputs.Count)
        {
            var remaining = inputs.Skip(start).ToList();
            // Started inside the first batch's worker call, so a failure to start counts against that batch.
            IEnumerator<IReadOnlyList<TResult>>? stream = null;
            try
            {
                foreach (var batch in remaining.Chunk(batchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    starting?.Invoke(batch);
                    start += batch.Length;
                    IReadOnlyList<TResult>? results = null;
                    Exception? error = null;
                    try
                    {
                        results = await Task.Run(() => Next(stream ??= process(remaining).GetEnumerator()), cancellationToken)
                            .WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        error = e;
                        // Drop the stream before the caller retries the batch, so its work-ahead stops competing.
                        stream?.Dispose();
                        stream = null;
                    }
                    yield return new BatchOutcome<TResult>(batch, results, error);
                    if (error is not null)
                    {
                        break;
                    }
                }
            }
            finally
            {
                // After a cancellation the stream may still be busy on a worker thread; it is abandoned.
                if (!cancellationToken.IsCancellationRequested)
                {
                    stream?.Dispose();
                }
            }
        }
    }

    private static IReadOnlyList<TResult> Next<TResult>(IEnumerator<IReadOnlyList<TResult>> stream)
        => stream.MoveNext() ? stream.Current : throw new InvalidOperationException("The model returned fewer results than inputs.");
}
