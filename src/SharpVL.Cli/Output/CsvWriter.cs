using System.Globalization;

namespace SharpVL.Cli.Output;

/// <summary>
/// <c>--csv</c>: RFC 4180 rows <c>input,frame_indices,rank,label,index,score,logit,error</c>, one per label of each
/// input (rank 1 = most probable), or one row with only <c>input</c> and <c>error</c> for a failed input. Non-finite
/// numbers are written as pandas reads them (<c>NaN</c>, <c>inf</c>, <c>-inf</c>).
/// </summary>
internal sealed class CsvWriter : IResultWriter
{
    private readonly TextWriter _output;

    public CsvWriter(TextWriter output)
    {
        _output = output;
        _output.WriteLine("input,frame_indices,rank,label,index,score,logit,error");
        _output.Flush();
    }

    public void Write(InputRecord record)
    {
        var frames = record.FrameIndices is null ? "" : string.Join(' ', record.FrameIndices);
        if (record.Labels is null || record.Labels.Count == 0)
        {
            Row(record.Input, frames, "", "", "", "", "", record.Error ?? "");
        }
        else
        {
            for (var rank = 0; rank < record.Labels.Count; rank++)
            {
                var label = record.Labels[rank];
                Row(record.Input, frames, (rank + 1).ToString(CultureInfo.InvariantCulture), label.Label,
                    label.Index.ToString(CultureInfo.InvariantCulture), Number(label.Score), label.Logit is double l ? Number(l) : "", "");
            }
        }
        _output.Flush();
    }

    public void Complete(RunSummary summary)
    {
    }

    /// <summary>A number in invariant culture with round-trip precision, or pandas' spelling of NaN/infinity.</summary>
    internal static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void Row(params string[] fields) => _output.WriteLine(string.Join(',', fields.Select(Quote)));

    /// <summary>Quotes a field when it holds a comma, quote or line break (quotes doubled), as RFC 4180 says.</summary>
    internal static string Quote(string field)
        => field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
