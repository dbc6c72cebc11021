namespace SharpVL.Processing.Images;

/// <summary>Runs a resampling pass's rows on one thread, or across cores for very large images.</summary>
internal static class PilRowScheduler
{
    /// <summary>
    /// Below this many multiply-adds a pass runs on the calling thread. Video frames (640x360 -> 398x224 is about
    /// 2M per pass, well under a millisecond vectorised) stay sequential: folder pipelines already preprocess several
    /// frames concurrently while the model runs, so fanning one frame's rows out only adds scheduling cost and steals
    /// cores from the model. Only a single large photo (a 4K image is about 60M) gains from spreading its rows.
    /// </summary>
    internal const long ParallelThreshold = 1L << 25;

    /// <summary>Calls <paramref name="body"/> for each row 0..rows-1, in parallel when <paramref name="work"/> is large.</summary>
    internal static void ForEachRow(int rows, long work, Action<int> body)
    {
        if (work < ParallelThreshold)
        {
            for (int y = 0; y < rows; y++)
            {
                body(y);
            }
            return;
        }
        Parallel.For(0, rows, body);
    }
}
