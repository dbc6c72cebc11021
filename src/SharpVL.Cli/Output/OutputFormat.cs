namespace SharpVL.Cli.Output;

/// <summary>How a command prints its per-input results on stdout.</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable tables (default).</summary>
    Table,

    /// <summary>One JSON document: <c>{"results": [...], "summary": {...}}</c>, results streamed as they finish.</summary>
    Json,

    /// <summary>JSON Lines: one JSON object per input, written as each input finishes.</summary>
    Jsonl,

    /// <summary>CSV: one row per (input, label); a failed input is one row with the error column set.</summary>
    Csv,
}
