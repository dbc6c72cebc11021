using SharpVL.Configuration;
using SharpVL.Modeling;

namespace SharpVL.Models.Auto;

/// <summary>
/// Loads the model class a checkpoint's config names (Transformers' <c>AutoModel</c>/<c>from_pretrained</c> dispatch):
/// the first known entry of <c>architectures</c>, else the base model of <c>model_type</c>.
/// </summary>
public static class AutoModel
{
    /// <summary>Loads the model the config of a directory or Hub id names.</summary>
    /// <exception cref="ConfigException">The config names no model SharpVL implements.</exception>
    public static PreTrainedModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        return ModelRegistry.ForDirectory(directory).Load(directory, options);
    }

    /// <summary>Loads <typeparamref name="TModel"/> when the config's class is one, with a clear error otherwise.</summary>
    /// <exception cref="ConfigException">The checkpoint holds another kind of model.</exception>
    public static TModel FromPretrained<TModel>(string modelIdOrPath, ModelLoadOptions? options = null)
        where TModel : PreTrainedModel
    {
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var found = ModelRegistry.ForDirectory(directory);
        if (!found.Type.IsAssignableTo(typeof(TModel)))
        {
            throw new ConfigException(directory, "architectures", $"names {found.ClassName}, not a {typeof(TModel).Name}.");
        }
        return (TModel)found.Load(directory, options);
    }
}
