using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SharpVL.Training.Data;

/// <summary>
/// Reads the two dataset file layouts: CSV with a <c>path</c> column and a <c>label</c> or <c>text</c> column (a header
/// row; without one, the columns are <c>path,label</c>), and JSON lines of <c>{"path": ..., "label"|"text": ...}</c>.
/// Relative paths are relative to the dataset file.
/// </summary>
internal static class DatasetFiles
{
    private const long MaxFileBytes = 256L << 20;

    public static List<TrainingExample> ReadCsv(string file)
    {
        var lines = ReadLines(file);
        var rows = lines.Select((line, i) => (Number: i + 1, Fields: SplitCsv(line, file, i + 1))).Where(r => r.Fields.Count > 0).ToList();
        if (rows.Count == 0)
        {
            return [];
        }
        var header = rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var hasHeader = header.Contains("path");
        var pathColumn = hasHeader ? header.IndexOf("path") : 0;
        var labelColumn = hasHeader ? header.IndexOf("label") : 1;
        var textColumn = hasHeader ? header.IndexOf("text") : -1;
        if (hasHeader && labelColumn < 0 && textColumn < 0)
        {
            throw new TrainingDataException($"{file}: no 'label' or 'text' column (header: {string.Join(",", header)}).", file);
        }
        var examples = new List<TrainingExample>();
        foreach (var (number, fields) in rows.Skip(hasHeader ? 1 : 0))
        {
            string? Field(int column) => column >= 0 && column < fields.Count && fields[column].Length > 0 ? fields[column] : null;
            var path = Field(pathColumn) ?? throw new TrainingDataException($"{file}:{number}: the path is empty.", file);
            var label = Field(labelColumn);
            var text = Field(textColumn);
            if (label is null && text is null)
            {
                throw new TrainingDataException($"{file}:{number}: the {(textColumn >= 0 ? "text" : "label")} is missing for '{path}'.", file);
            }
            examples.Add(new TrainingExample(Resolve(file, path), label, text));
        }
        return examples;
    }

    public static List<TrainingExample> ReadJsonLines(string file)
    {
        var examples = new List<TrainingExample>();
        var lines = ReadLines(file);
        for (var i = 0; i < lines.Count; i++)
        {
            var number = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(lines[i], new JsonDocumentOptions { MaxDepth = 8 });
            }
            catch (JsonException e)
            {
                throw new TrainingDataException($"{file}:{number}: not a JSON object ({e.Message.Split('.')[0]}).", file, e);
            }
            using (document)
            {
                var row = document.RootElement;
                if (row.ValueKind != JsonValueKind.Object)
                {
                    throw new TrainingDataException($"{file}:{number}: expected a JSON object with 'path' and 'label' or 'text'.", file);
                }
                var path = String(row, "path") ?? throw new TrainingDataException($"{file}:{number}: the 'path' is missing.", file);
                var label = String(row, "label");
                var text = String(row, "text");
                if (label is null && text is null)
                {
                    throw new TrainingDataException($"{file}:{number}: the label is missing for '{path}' (a 'label' or 'text' field).", file);
                }
                examples.Add(new TrainingExample(Resolve(file, path), label, text));
            }
        }
        return examples;
    }

    private static string? String(JsonElement row, string name) => row.TryGetProperty(name, out var value)
        ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        }
        : null;

    private static List<string> ReadLines(string file)
    {
        if (new FileInfo(file).Length > MaxFileBytes)
        {
            throw new TrainingDataException($"{file}: larger than {MaxFileBytes >> 20} MiB; not a dataset list.", file);
        }
        return [.. File.ReadAllLines(file, Encoding.UTF8)];
    }

    private static string Resolve(string file, string path)
        => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(file)!, path));

    /// <summary>One CSV line: comma-separated, fields optionally in double quotes with <c>""</c> for a quote.</summary>
    private static List<string> SplitCsv(string line, string file, int number)
    {
        var fields = new List<string>();
        if (string.IsNullOrWhiteSpace(line))
        {
            return fields;
        }
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted)
        {
            throw new TrainingDataException(string.Create(CultureInfo.InvariantCulture, $"{file}:{number}: a quoted field is not closed."), file);
        }
        fields.Add(field.ToString().Trim());
        return fields;
    }
}
