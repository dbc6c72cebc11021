using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.XCLIP;

namespace SharpVL.Search;

/// <summary>Loads the segment embedder for a model directory or Hub id, dispatching on its <c>model_type</c>.</summary>
public static class SegmentEmbedders
{
    /// <summary>
    /// Loads an X-CLIP (video embeddings) or AltCLIP (keyframe image embeddings) model. The returned embedder's
    /// <see cref="ISegmentEmbedder.Model"/> names the model as an index records it.
    /// </summary>
    /// <exception cref="SearchIndexException">The model is of another family.</exception>
    public static ISegmentEmbedder Load(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelIdOrPath);
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var (modelType, _) = ConfigJson.Peek(directory);
        string id = Directory.Exists(modelIdOrPath) ? Path.GetFullPath(modelIdOrPath).TrimEnd(Path.DirectorySeparatorChar) : StripRevision(modelIdOrPath);
        string revision = Revision(directory);
        switch (modelType)
        {
            case "xclip":
            {
                var processor = XCLIPProcessor.FromPretrained(directory);
                var model = XCLIPModel.FromPretrained(directory, options);
                return new XCLIPSegmentEmbedder(model, processor, new IndexModel(id, revision, IndexModel.XClipVideo, model.Config.ProjectionDim));
            }
            case "altclip":
            {
                var processor = AltCLIPProcessor.FromPretrained(directory);
                var model = AltCLIPModel.FromPretrained(directory, options);
                return new AltCLIPKeyframeEmbedder(model, processor, new IndexModel(id, revision, IndexModel.AltClipKeyframe, model.Config.ProjectionDim));
            }
            default:
                throw new SearchIndexException(
                    $"'{modelIdOrPath}' is a '{modelType}' model; video search needs an X-CLIP (video embeddings) or AltCLIP (keyframe embeddings) model.",
                    directory);
        }
    }

    /// <summary>
    /// The Hub commit for a snapshot directory (<c>.../snapshots/&lt;sha&gt;</c>); for any other directory a fingerprint
    /// of <c>config.json</c> and the weight files' names and sizes, so a changed checkpoint is a different revision.
    /// </summary>
    public static string Revision(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var name = Path.GetFileName(full);
        if (Path.GetFileName(Path.GetDirectoryName(full)) == "snapshots" && name.Length == 40 && name.All(char.IsAsciiHexDigitLower))
        {
            return name;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(Path.Combine(full, "config.json")));
        foreach (var file in Directory.EnumerateFiles(full).Where(IsWeights).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}:{new FileInfo(file).Length};")));
        }
        return "local-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static bool IsWeights(string file) =>
        file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal);

    private static string StripRevision(string id)
    {
        int at = id.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? id : id[..at];
    }
}
