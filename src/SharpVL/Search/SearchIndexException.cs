namespace SharpVL.Search;

/// <summary>A search index that cannot be used as asked: another model's index, a malformed database, a bad address.</summary>
public class SearchIndexException : SharpVLException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the index and the problem.</param>
    /// <param name="path">The index (file path or database address without its password).</param>
    /// <param name="innerException">The lower-level error.</param>
    public SearchIndexException(string message, string? path = null, Exception? innerException = null)
        : base(message, path, innerException)
    {
    }
}
