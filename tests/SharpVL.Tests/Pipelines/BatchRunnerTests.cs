using SharpVL.Pipelines;

namespace SharpVL.Tests.Pipelines;

/// <summary>One stream works ahead over all inputs; a failing batch costs only itself and a new stream resumes after it.</summary>
public class BatchRunnerTests
{
    [Fact]
    public async Task OneStreamRunsEveryBatchWhenNothingFails()
    {
        var calls = new List<string[]>();
        var outcomes = await Collect(BatchRunner.RunAsync(["a", "b", "c", "d", "e"], 2, Process(calls, bad: null)));
        Assert.Equal([["a", "b", "c", "d", "e"]], calls);
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], outcomes.Select(o => o.Inputs.ToArray()));
        Assert.Equal(["A", "B", "C", "D", "E"], outcomes.SelectMany(o => o.Results!));
        Assert.All(outcomes, o => Assert.Null(o.Error));
    }

    [Fact]
    public async Task AFailingBatchIsReportedAndANewStreamTakesOverAfterIt()
    {
        var calls = new List<string[]>();
        var starting = new List<string>();
        var outcomes = await Collect(BatchRunner.RunAsync(["a", "b", "c", "d", "e"], 2, Process(calls, bad: "c"), batch => starting.Add(batch[0])));
        Assert.Equal([["a", "b", "c", "d", "e"], ["e"]], calls);
        Assert.Equal(["a", "c", "e"], starting);
        Assert.Equal(["A", "B"], outcomes[0].Results!);
        Assert.Null(outcomes[1].Results);
        Assert.Equal(["c", "d"], outcomes[1].Inputs);
        Assert.Equal("bad input c", outcomes[1].Error!.Message);
        Assert.Equal(["E"], outcomes[2].Results!);
    }

    [Fact]
    public async Task CancellationStopsBetweenBatches()
    {
        using var cancellation = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var outcome in BatchRunner.RunAsync(["a", "b", "c"], 1, Process([], bad: null), cancellationToken: cancellation.Token))
            {
                seen++;
                await cancellation.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    private static Func<IReadOnlyList<string>, IEnumerable<IReadOnlyList<string>>> Process(List<string[]> calls, string? bad) => inputs =>
    {
        calls.Add([.. inputs]);
        return Batches();

        IEnumerable<IReadOnlyList<string>> Batches()
        {
            foreach (var batch in inputs.Chunk(inputs.Count == 1 ? 1 : 2))
            {
                if (batch.Contains(bad))
                {
                    throw new InvalidOperationException($"bad input {bad}");
                }
                yield return [.. batch.Select(i => i.ToUpperInvariant())];
            }
        }
    };

    private static async Task<List<BatchOutcome<string>>> Collect(IAsyncEnumerable<BatchOutcome<string>> outcomes)
    {
        var list = new List<BatchOutcome<string>>();
        await foreach (var outcome in outcomes)
        {
            list.Add(outcome);
        }
        return list;
    }
}
