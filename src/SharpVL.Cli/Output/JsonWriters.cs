using System.Text.Json.Nodes;

namespace SharpVL.Cli.Output;

/// <summary>
/// <c>--json</c>: one JSON document, <c>{"results": [ ... ], "summary": {...}}</c>. Each result is written as its input
/// finishes (the document is complete once the run ends, also after a fatal error, which goes into the summary).
/// </summary>
internal sealed class JsonDocumentWriter(TextWriter output) : IResultWriter
{
    private bool _started;
    private bool _any;

    public void Write(InputRecord record)
    {
        Start();
        output.Write(_any ? ",\n" : "\n");
        _any = true;
        output.Write(Indent(JsonValues.Record(record).ToJsonString(JsonValues.Indented)));
        output.Flush();
    }

    public void Complete(RunSummary summary)
    {
        Start();
        var summaryJson = new JsonObject
        {
            ["inputs"] = summary.Inputs,
            ["succeeded"] = summary.Succeeded,
            ["failed"] = summary.Failed,
        };
        if (summary.FatalError is not null)
        {
            summaryJson["fatal_error"] = summary.FatalError;
        }
        if (summary.Files is { Count: > 0 } files)
        {
            summaryJson["files"] = new JsonArray(files.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }
        output.Write(_any ? "\n  ],\n" : "],\n");
        output.WriteLine($"  \"summary\": {summaryJson.ToJsonString(JsonValues.Indented).ReplaceLineEndings("\n  ")}\n}}");
        output.Flush();
    }

    private void Start()
    {
        if (!_started)
        {
            _started = true;
            output.Write("{\n  \"results\": [");
        }
    }

    private static string Indent(string json) => "    " + json.ReplaceLineEndings("\n    ");
}

/// <summary><c>--jsonl</c>: one compact JSON object per input and line, flushed as each input finishes.</summary>
internal sealed class JsonLinesWriter(TextWriter output) : IResultWriter
{
    public void Write(InputRecord record)
    {
        output.WriteLine(JsonValues.Record(record).ToJsonString(JsonValues.Compact));
        output.Flush();
    }

    public void Complete(RunSummary summary)
    {
    }
}
