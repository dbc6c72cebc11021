using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Processing;

namespace SharpVL.Models.Auto;

/// <summary>
/// Loads the processor of a model directory by its <c>model_type</c> (Transformers' <c>AutoProcessor</c>):
/// <see cref="XCLIP.XCLIPProcessor"/>, <see cref="AltCLIP.AltCLIPProcessor"/>, <see cref="Tvlt.TvltProcessor"/>, or for VideoMAE (which has
/// no processor class) its <see cref="Processing.Images.VideoMAEImageProcessor"/>. Every one is an <see cref="IProcessor"/> whose
/// <see cref="IProcessor.Process"/> returns a <see cref="BatchFeature"/>.
/// </summary>
public static class AutoProcessor
{
    /// <summary>Loads the processor for a directory or Hub id.</summary>
    /// <exception cref="Processing.ProcessorFileNotFoundException">A processor file is missing.</exception>
    /// <exception cref="ConfigException">The config names no model SharpVL implements.</exception>
    public static IProcessor FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        return ModelRegistry.FamilyForDirectory(directory).LoadProcessor(directory);
    }

    /// <summary>Loads the processor and checks it is a <typeparamref name="TProcessor"/>.</summary>
    /// <exception cref="ConfigException">The model's processor is another class.</exception>
    public static TProcessor FromPretrained<TProcessor>(string modelIdOrPath, ModelLoadOptions? options = null)
        where TProcessor : class, IProcessor
        => FromPretrained(modelIdOrPath, options) as TProcessor
            ?? throw new ConfigException(modelIdOrPath, "model_type", $"belongs to a model whose processor is not a {typeof(TProcessor).Name}.");
}
