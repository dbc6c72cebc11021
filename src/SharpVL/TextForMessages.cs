namespace SharpVL;

/// <summary>Text taken from a file, made fit for a one-line error message.</summary>
internal static class TextForMessages
{
    /// <summary>At most 200 characters, control characters (newlines included) replaced by '?'.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new string(text.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 200 ? clean + "..." : clean;
    }
}
