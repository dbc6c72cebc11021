namespace SharpVL.Hub;

/// <summary>Small writes that never leave a half-written file under the final name.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string contents)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, contents);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
