namespace SharpVL;

/// <summary>Text taken from a file, made fit for a one-line error message.</summary>
internal static class TextForMessages
{
    /// <summary>Longest error message kept whole; the rest is cut (file contents quoted in a message can be huge).</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>
    /// A message made one line: line breaks (e.g. a parser quoting the file's text) become " | ", other control
    /// characters '?', and anything past <see cref="MaxMessageLength"/> characters is cut.
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = string.Join(" | ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (text.Any(char.IsControl))
        {
            text = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        }
        return text.Length > MaxMessageLength ? text[..MaxMessageLength] + "..." : text;
    }

    /// <summary>At most 200 characters, control characters (newlines included) replaced by '?'.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new string(text.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 200 ? clean + "..." : clean;
    }
}
