using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.XCLIP;
using SharpVL.Processing;
using SharpVL.Processing.Images;

namespace SharpVL.Models.Auto;

/// <summary>
/// Loads the processor of a model directory by its <c>model_type</c> (Transformers' <c>AutoProcessor</c>):
/// <see cref="XCLIPProcessor"/>, <see cref="AltCLIPProcessor"/>, <see cref="TvltProcessor"/>, or for VideoMAE (which has
/// no processor class) its <see cref="VideoMAEImageProcessor"/>. Every one is an <see cref="IProcessor"/> whose
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
        return ModelRegistry.ForDirectory(directory).ModelType switch
        {
            XCLIPConfig.ModelTypeId => XCLIPProcessor.FromPretrained(directory),
            "altclip" => AltCLIPProcessor.FromPretrained(directory),
            "tvlt" => TvltProcessor.FromPretrained(directory),
            _ => VideoMAEImageProcessor.FromPretrained(directory),
        };
    }

    /// <summary>Loads the processor and checks it is a <typeparamref name="TProcessor"/>.</summary>
    /// <exception cref="ConfigException">The model's processor is another class.</exception>
    public static TProcessor FromPretrained<TProcessor>(string modelIdOrPath, ModelLoadOptions? options = null)
        where TProcessor : class, IProcessor
        => FromPretrained(modelIdOrPath, options) as TProcessor
            ?? throw new ConfigException(modelIdOrPath, "model_type", $"belongs to a model whose processor is not a {typeof(TProcessor).Name}.");
}
