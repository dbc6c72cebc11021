using SharpVL.Configuration;
using SharpVL.Modeling;

namespace SharpVL.Models.Auto;

/// <summary>Loads the config class a <c>config.json</c>'s <c>model_type</c> names (Transformers' <c>AutoConfig</c>).</summary>
public static class AutoConfig
{
    /// <summary>Reads the config of a directory or Hub id as its family's config class.</summary>
    /// <exception cref="ConfigException">The config is invalid or its model type is not one SharpVL implements.</exception>
    public static PretrainedConfig FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        return ModelRegistry.FamilyForDirectory(directory).LoadConfig(directory);
    }
}
