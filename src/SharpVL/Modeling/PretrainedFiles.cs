using SharpVL.Hub;

namespace SharpVL.Modeling;

/// <summary>Turns a model argument (local directory or Hub id) into a local directory holding its files.</summary>
public static class PretrainedFiles
{
    /// <summary>
    /// Returns the directory for <paramref name="modelIdOrPath"/>: an existing directory as is, otherwise a Hub id
    /// (<c>org/name</c>, optionally <c>@revision</c>) whose config, weights and processor/tokenizer files are fetched
    /// into the Hugging Face cache (shared with Python) and whose snapshot directory is returned.
    /// </summary>
    public static string Resolve(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelIdOrPath);
        if (Directory.Exists(modelIdOrPath))
        {
            return Path.GetFullPath(modelIdOrPath);
        }
        options ??= ModelLoadOptions.Default;
        return new ModelLocator(options.Hub).ResolvePretrained(modelIdOrPath, options.Revision, options.Progress);
    }
}
