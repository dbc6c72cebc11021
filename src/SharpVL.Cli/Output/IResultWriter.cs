namespace SharpVL.Cli.Output;

/// <summary>Writes per-input records to stdout in one <see cref="OutputFormat"/>, as each input finishes.</summary>
internal interface IResultWriter
{
    /// <summary>Writes one input's record (result or error).</summary>
    void Write(InputRecord record);

    /// <summary>Closes the output (the JSON document's summary, ...); called once, also after a fatal error.</summary>
    void Complete(RunSummary summary);
}
