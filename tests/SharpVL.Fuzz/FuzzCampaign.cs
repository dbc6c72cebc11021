using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SharpVL.Fuzz;

/// <summary>Limits and seed of a campaign.</summary>
/// <param name="Seed">Seed of the mutation generator (the same seed tries the same inputs).</param>
/// <param name="MaxInputs">Stop after this many inputs.</param>
/// <param name="MaxDuration">Stop after this much time.</param>
/// <param name="PerReadTimeout">A read taking longer counts as unexpected (unbounded time).</param>
/// <param name="PerReadAllocationLimit">A read allocating more managed memory counts as unexpected (unbounded memory).</param>
/// <param name="FailureDirectory">Where inputs with unexpected outcomes are saved (null: not saved).</param>
public sealed record FuzzSettings(
    int Seed, long MaxInputs, TimeSpan MaxDuration, TimeSpan PerReadTimeout, long PerReadAllocationLimit = 1L << 30, string? FailureDirectory = null);

/// <summary>An input whose outcome was not a load or a clear SharpVL error.</summary>
/// <param name="Reader">The read that misbehaved.</param>
/// <param name="Problem">What happened (exception type and message, time or memory).</param>
/// <param name="SavedTo">The folder the input was saved to, if it was.</param>
public sealed record FuzzFinding(string Reader, string Problem, string? SavedTo);

/// <summary>What a campaign found.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">Inputs tried.</param>
/// <param name="Reads">Reads run (inputs × readers).</param>
/// <param name="Loaded">Reads that loaded.</param>
/// <param name="Rejected">Reads that failed with SharpVL's own exception naming the file.</param>
/// <param name="Unexpected">Everything else (first 20 kept).</param>
/// <param name="UnexpectedCount">How many reads were unexpected.</param>
/// <param name="DistinctOutcomes">Distinct outcome signatures seen (a rough measure of the paths reached).</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record FuzzReport(
    string Target, long Inputs, long Reads, long Loaded, long Rejected, IReadOnlyList<FuzzFinding> Unexpected, long UnexpectedCount,
    int DistinctOutcomes, TimeSpan Elapsed)
{
    /// <summary>One line for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: {Inputs} inputs, {Reads} reads: {Loaded} loaded, {Rejected} rejected with a SharpVL error, {UnexpectedCount} unexpected; {DistinctOutcomes} distinct outcomes; {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>
/// Runs a target: mutates inputs from a corpus (the seeds, grown by every input that produced an outcome not seen
/// before), writes each to a scratch folder, runs its reads with a time bound, and judges each outcome. Acceptable: the
/// read returns, or throws a <see cref="SharpVLException"/> whose one-line message names one of the input's files and
/// shows no .NET internals. Anything else is a finding.
/// </summary>
public static partial class FuzzCampaign
{
    private const int MaxCorpus = 2000;
    private const int MaxFindingsKept = 20;

    /// <summary>Runs <paramref name="target"/> under <paramref name="settings"/>.</summary>
    public static FuzzReport Run(FuzzTarget target, FuzzSettings settings, string repositoryRoot, IProgress<FuzzReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        var corpus = target.Seeds(repositoryRoot).ToList();
        if (corpus.Count == 0)
        {
            throw new InvalidOperationException($"Fuzz target {target.Name} has no seeds.");
        }
        var mutator = new Mutator(settings.Seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var findings = new List<FuzzFinding>();
        long inputs = 0, reads = 0, loaded = 0, rejected = 0, unexpected = 0;
        var clock = Stopwatch.StartNew();
        var scratch = Directory.CreateTempSubdirectory($"sharpvl-fuzz-{target.Name}-");
        FuzzReport Report() => new(target.Name, inputs, reads, loaded, rejected, findings, unexpected, seen.Count, clock.Elapsed);
        try
        {
            var lastProgress = TimeSpan.Zero;
            int seeds = corpus.Count;
            while (inputs < settings.MaxInputs && clock.Elapsed < settings.MaxDuration)
            {
                // The seeds themselves are run first, unmutated.
                bool mutated = inputs >= seeds;
                var input = mutated ? target.Mutate(corpus[mutator.Random.Next(corpus.Count)], mutator, corpus) : corpus[(int)inputs];
                inputs++;
                var folder = Path.Combine(scratch.FullName, "input");
                Write(folder, input);
                var signature = new List<string>();
                foreach (var (reader, read) in target.Reads(folder))
                {
                    reads++;
                    var (outcome, problem, detail) = Judge(read, input, folder, settings);
                    signature.Add(reader + ":" + outcome);
                    switch (problem)
                    {
                        case null when outcome == "ok":
                            loaded++;
                            break;
                        case null:
                            rejected++;
                            break;
                        default:
                            unexpected++;
                            if (findings.Count < MaxFindingsKept)
                            {
                                findings.Add(new FuzzFinding(reader, problem, Save(settings.FailureDirectory, target.Name, unexpected, input, detail)));
                            }
                            break;
                    }
                }
                if (seen.Add(string.Join("|", signature)) && mutated && corpus.Count < MaxCorpus)
                {
                    corpus.Add(input);
                }
                if (progress is not null && clock.Elapsed - lastProgress > TimeSpan.FromSeconds(10))
                {
                    lastProgress = clock.Elapsed;
                    progress.Report(Report());
                }
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
            // Tensors of reads that failed half-way are freed by finalizers: run them now, not during whatever runs next.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        return Report();
    }

    /// <summary>Runs one read; returns its outcome signature and, when unacceptable, the problem and the exception's details.</summary>
    private static (string Outcome, string? Problem, string? Detail) Judge(Action read, FuzzCase input, string folder, FuzzSettings settings)
    {
        long allocated = 0;
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read();
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        });
        try
        {
            if (!task.Wait(settings.PerReadTimeout))
            {
                return ("timeout", $"no result after {settings.PerReadTimeout.TotalSeconds:0} s (unbounded time)", null);
            }
        }
        catch (AggregateException wrapped) when (wrapped.InnerException is { } e)
        {
            if (e is SharpVLException && NamesAFile(e.Message, input, folder) && IsOneCleanLine(e.Message))
            {
                return (e.GetType().Name + ":" + Skeleton(e.Message, folder), null, null);
            }
            string what = e is SharpVLException ? "a SharpVL error that does not name the file or shows internals" : "an exception that is not SharpVL's";
            return (e.GetType().Name, $"{what}: {e.GetType().FullName}: {e.Message.Replace(folder, "<input>", StringComparison.Ordinal)}", e.ToString());
        }
        if (allocated > settings.PerReadAllocationLimit)
        {
            return ("memory", string.Create(CultureInfo.InvariantCulture, $"allocated {allocated >> 20} MiB of managed memory (unbounded memory)"), null);
        }
        return ("ok", null, null);
    }

    private static bool NamesAFile(string message, FuzzCase input, string folder) =>
        message.Contains(folder, StringComparison.Ordinal) || input.Files.Keys.Any(name => message.Contains(name, StringComparison.Ordinal));

    private static bool IsOneCleanLine(string message) =>
        message.Length > 0 && !message.Contains('\n', StringComparison.Ordinal) && !message.Contains("(Parameter '", StringComparison.Ordinal)
        && !message.Contains("System.", StringComparison.Ordinal);

    /// <summary>The message with paths, numbers and quoted names blanked, so equal problems have one signature.</summary>
    private static string Skeleton(string message, string folder)
    {
        var text = message.Replace(folder, "", StringComparison.Ordinal);
        text = Numbers().Replace(Quoted().Replace(text, "'…'"), "#");
        return text.Length > 80 ? text[..80] : text;
    }

    private static void Write(string folder, FuzzCase input)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in input.Files)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }
    }

    private static string? Save(string? directory, string target, long number, FuzzCase input, string? detail)
    {
        if (directory is null)
        {
            return null;
        }
        var folder = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{target}-{number:D4}"));
        Write(folder, input);
        if (detail is not null)
        {
            File.WriteAllText(folder + ".txt", detail);
        }
        return folder;
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();
}
