using System.Numerics.Tensors;

namespace SharpVL.Search;

/// <summary>
/// A block of embeddings in one row-major float matrix with their segment ids: exact search multiplies it with the
/// query a block at a time (rows split over the cores) and keeps the best k.
/// </summary>
internal sealed class EmbeddingBlock(int capacity, int dimension)
{
    /// <summary>Below this many rows one thread scores the block (thread hand-off would cost more).</summary>
    private const int RowsPerTask = 4096;

    public int Dimension { get; } = dimension;

    public long[] Ids { get; private set; } = new long[capacity];

    public float[] Vectors { get; private set; } = new float[(long)capacity * dimension];

    public int Count { get; private set; }

    public bool IsFull => Count == Ids.Length;

    /// <summary>The row to fill for <paramref name="id"/> (grows the block when it is full).</summary>
    public Span<float> Append(long id)
    {
        if (IsFull)
        {
            var grown = Math.Max(16, Ids.Length * 2);
            var ids = Ids;
            var vectors = Vectors;
            Array.Resize(ref ids, grown);
            Array.Resize(ref vectors, grown * Dimension);
            (Ids, Vectors) = (ids, vectors);
        }
        Ids[Count] = id;
        return Vectors.AsSpan(Count++ * Dimension, Dimension);
    }

    public void Clear() => Count = 0;

    /// <summary>Scores every row against <paramref name="query"/> (the matrix–vector product) into <paramref name="best"/>.</summary>
    public void ScoreInto(float[] query, TopKCollector best, int topK)
    {
        int tasks = Math.Min(Environment.ProcessorCount, (Count + RowsPerTask - 1) / RowsPerTask);
        if (tasks <= 1)
        {
            ScoreRows(0, Count, query, best);
            return;
        }
        var partial = new TopKCollector[tasks];
        Parallel.For(0, tasks, t =>
        {
            partial[t] = new TopKCollector(topK);
            int from = (int)((long)Count * t / tasks), to = (int)((long)Count * (t + 1) / tasks);
            ScoreRows(from, to, query, partial[t]);
        });
        foreach (var (id, score) in partial.SelectMany(p => p.Best()))
        {
            best.Add(id, score);
        }
    }

    private void ScoreRows(int from, int to, float[] query, TopKCollector best)
    {
        var vectors = Vectors.AsSpan();
        for (int row = from; row < to; row++)
        {
            best.Add(Ids[row], TensorPrimitives.Dot(vectors.Slice(row * Dimension, Dimension), query));
        }
    }
}
