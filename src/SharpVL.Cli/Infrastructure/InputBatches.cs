using System.CommandLine;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;

namespace SharpVL.Cli.Infrastructure;

/// <summary>
/// The input side of every per-input command: expands the input arguments (<see cref="InputExpander"/>), emits an
/// error record for each argument that names no usable file, and runs the rest through the model in batches where one
/// bad input never loses the others.
/// </summary>
internal static class InputBatches
{
    /// <summary>The input argument of a command taking <paramref name="kind"/> files.</summary>
    public static Argument<string[]> Argument(MediaKind kind)
    {
        var argument = new Argument<string[]>(kind == MediaKind.Video ? "videos" : "images")
        {
            Description = $"{(kind == MediaKind.Video ? "Video" : "Image")} files, folders (searched recursively), patterns (clips/**/*.mp4), "
                + "@list.txt (one input per line) or - (inputs on stdin).",
            Arity = ArgumentArity.OneOrMore,
        };
        UsageErrors.RejectUnknownOptions(argument);
        return argument;
    }

    /// <summary>Expands the inputs, emitting an error record for each one that names nothing usable; returns the files.</summary>
    public static IReadOnlyList<string> Expand(CommandRun run, IEnumerable<string> arguments, MediaKind kind, string? otherKindCommand)
    {
        var expanded = new InputExpander(kind, otherKindCommand).Expand(arguments);
        foreach (var problem in expanded.Problems)
        {
            run.Emit(InputRecord.Failed(problem.Input, problem.Message));
        }
        return expanded.Files;
    }

    /// <summary>
    /// Runs <paramref name="files"/> through <paramref name="process"/> <paramref name="batchSize"/> at a time and emits
    /// each input's record as its batch finishes. When a batch fails, its inputs are retried one by one, so only the
    /// inputs that fail on their own get error records. Stops between batches on cancellation.
    /// </summary>
    /// <param name="run">The run to emit into.</param>
    /// <param name="files">The input files.</param>
    /// <param name="batchSize">Inputs per call of <paramref name="process"/>.</param>
    /// <param name="process">Runs the model on a batch; returns one result per file, in order.</param>
    /// <param name="toRecord">Turns a file's result into its record.</param>
    /// <param name="frames">For the report: the frames a result's model saw.</param>
    public static Task ProcessAsync<TResult>(
        CommandRun run, IReadOnlyList<string> files, int batchSize, Func<IReadOnlyList<string>, IReadOnlyList<TResult>> process,
        Func<string, TResult, InputRecord> toRecord, Func<string, TResult, IReadOnlyList<RgbImage>>? frames = null)
        => ProcessStreamAsync(run, files, batchSize, remaining => remaining.Chunk(batchSize).Select(batch => process(batch)), toRecord, frames);

    /// <summary>
    /// Like <see cref="ProcessAsync"/> for a <paramref name="process"/> that takes all the remaining files and yields one
    /// result list per <paramref name="batchSize"/> of them, in order, so it can decode and preprocess the next batch
    /// while the model runs this one (<see cref="SharpVL.Pipelines.IClassificationPipeline.ClassifyFileBatches"/>). When a
    /// batch fails, the stream is dropped, that batch's inputs are retried one by one, and a new stream resumes after it.
    /// </summary>
    /// <param name="run">The run to emit into.</param>
    /// <param name="files">The input files.</param>
    /// <param name="batchSize">Inputs per result list of <paramref name="process"/>.</param>
    /// <param name="process">Runs the model over files; yields one result per file, batch by batch, in order.</param>
    /// <param name="toRecord">Turns a file's result into its record.</param>
    /// <param name="frames">For the report: the frames a result's model saw.</param>
    public static async Task ProcessStreamAsync<TResult>(
        CommandRun run, IReadOnlyList<string> files, int batchSize, Func<IReadOnlyList<string>, IEnumerable<IReadOnlyList<TResult>>> process,
        Func<string, TResult, InputRecord> toRecord, Func<string, TResult, IReadOnlyList<RgbImage>>? frames = null)
    {
        var total = files.Count + run.Done;
        // On Ctrl+C stop waiting at once: the run ends with its summary, and the library kills the batch's ffmpeg
        // children when the process exits.
        var batches = BatchRunner.RunAsync(files, batchSize, process, batch => run.Progress.Show($"[{run.Done}/{total}] {batch[0]}"), run.Cancellation);
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            if (batch.Results is { } results)
            {
                for (var i = 0; i < results.Count; i++)
                {
                    Emit(run, batch.Inputs[i], results[i], toRecord, frames);
                }
            }
            else if (batch.Inputs.Count > 1)
            {
                await ProcessOneByOneAsync(run, batch.Inputs, total, one => process(one).First(), toRecord, frames).ConfigureAwait(false);
            }
            else
            {
                run.Emit(run.FailedRecord(batch.Inputs[0], batch.Error!));
            }
        }
    }

    private static async Task ProcessOneByOneAsync<TResult>(
        CommandRun run, IReadOnlyList<string> batch, int total, Func<IReadOnlyList<string>, IReadOnlyList<TResult>> process,
        Func<string, TResult, InputRecord> toRecord, Func<string, TResult, IReadOnlyList<RgbImage>>? frames)
    {
        foreach (var file in batch)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            run.Progress.Show($"[{run.Done}/{total}] {file}");
            try
            {
                var result = await Task.Run(() => process([file])[0], run.Cancellation).WaitAsync(run.Cancellation).ConfigureAwait(false);
                Emit(run, file, result, toRecord, frames);
            }
            catch (Exception e) when (e is not OperationCanceledException || !run.Cancellation.IsCancellationRequested)
            {
                run.Emit(run.FailedRecord(file, e));
            }
        }
    }

    private static void Emit<TResult>(
        CommandRun run, string file, TResult result, Func<string, TResult, InputRecord> toRecord,
        Func<string, TResult, IReadOnlyList<RgbImage>>? frames)
        => run.Emit(toRecord(file, result), frames is null || !run.WantsReport ? null : () => frames(file, result));
}
